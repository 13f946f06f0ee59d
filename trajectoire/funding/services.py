"""Writes of the funding app: storing an evaluation of the schemes engine for a case."""

from collections.abc import Mapping
from datetime import date

from django.db import transaction

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.models import Accompaniment
from trajectoire.funding.errors import FundingError
from trajectoire.funding.facts import json_facts
from trajectoire.funding.models import SchemeEvaluation
from trajectoire.schemes import Catalogue, evaluate, load_catalogue

HEALTH_CONSENT_MISSING = (
    "Certaines réponses touchent à la santé de la personne (RGPD art. 9) : elles ne sont enregistrées qu'avec son "
    "consentement explicite. Cochez la case après l'avoir recueilli, ou laissez ces questions sans réponse."
)


def sensitive_fact_names(catalogue: Catalogue, facts: Mapping[str, object]) -> list[str]:
    return [name for name, value in facts.items() if value is not None and catalogue.facts[name].sensitive]


@transaction.atomic
def scheme_evaluation_create(
    *,
    actor: User,
    accompaniment: Accompaniment,
    facts: Mapping[str, object],
    on: date,
    sensitive_consent: bool = False,
    catalogue: Catalogue | None = None,
    schemes: list[str] | None = None,
) -> SchemeEvaluation:
    """Evaluate the facts on `on` and store facts, date, catalogue version and the full result.

    1. the engine validates the facts (unknown fact or bad value → FactError, nothing stored);
    2. health facts (marked sensitive in the vocabulary) need the person's explicit consent (FundingError);
    3. the result stored is the engine's own `to_dict()` for the schemes examined (`schemes`, default all), so
       replaying the facts on the date with the same catalogue version and schemes gives it back exactly;
    4. an audit event names the facts given, never their values.
    """
    catalogue = catalogue or load_catalogue()
    evaluation = evaluate(catalogue, facts, on, schemes=schemes)
    stored_facts = json_facts(facts)
    sensitive = sensitive_fact_names(catalogue, stored_facts)
    if sensitive and not sensitive_consent:
        raise FundingError(HEALTH_CONSENT_MISSING, field="health_consent")
    record = SchemeEvaluation.objects.create(
        accompaniment=accompaniment,
        evaluated_on=on,
        facts=stored_facts,
        catalogue_version=evaluation.catalogue_version,
        result=evaluation.to_dict(),
        sensitive_facts_consented=bool(sensitive),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        centre_id=accompaniment.centre_id,
        fields=["evaluated_on", "catalogue_version", *stored_facts],
    )
    return record
