"""Storing an evaluation, and the facts a case settles by itself."""

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import AccompanimentFactory, BeneficiaryFactory, CentreFactory, counsellor
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases.services import consent_record
from trajectoire.funding.errors import FundingError
from trajectoire.funding.facts import case_facts, json_facts
from trajectoire.funding.models import SchemeEvaluation
from trajectoire.funding.services import scheme_evaluation_create
from trajectoire.schemes import FactError, evaluate, load_catalogue

pytestmark = pytest.mark.django_db
ON = date(2026, 3, 2)


@pytest.fixture
def case():
    return AccompanimentFactory()


def test_an_evaluation_is_stored_with_its_facts_date_catalogue_version_and_full_result(case):
    facts = {
        "status": "salarie_prive",
        "action_type": "bilan_competences",
        "framework": "cpf",
        "working_time_ratio": 1,
    }
    record = scheme_evaluation_create(actor=case.counsellor, accompaniment=case, facts=facts, on=ON)
    record.refresh_from_db()
    catalogue = load_catalogue()
    assert record.evaluated_on == ON
    assert record.facts == facts
    assert record.catalogue_version == catalogue.version
    assert record.result == evaluate(catalogue, facts, ON).to_dict()
    assert record.created_by == case.counsellor
    assert record.sensitive_facts_consented is False


def test_a_stored_evaluation_is_reproducible_from_its_facts_and_date(case):
    facts = {"status": "demandeur_emploi", "is_job_seeker": True, "action_type": "formation_rncp", "as_of_date": ON}
    record = scheme_evaluation_create(actor=case.counsellor, accompaniment=case, facts=facts, on=ON)
    record.refresh_from_db()  # JSON round trip
    assert "as_of_date" not in record.facts
    replayed = evaluate(load_catalogue(), record.facts, record.evaluated_on).to_dict()
    assert replayed == record.result
    assert record.result["catalogue_version"] == load_catalogue().version


def test_an_unknown_fact_or_a_bad_value_stores_nothing(case):
    with pytest.raises(FactError, match="fait inconnu « salary »"):
        scheme_evaluation_create(actor=case.counsellor, accompaniment=case, facts={"salary": 3}, on=ON)
    with pytest.raises(FactError, match="working_time_ratio"):
        scheme_evaluation_create(actor=case.counsellor, accompaniment=case, facts={"working_time_ratio": 2}, on=ON)
    assert not SchemeEvaluation.objects.exists()
    assert not AuditEvent.objects.filter(object_type="funding.schemeevaluation").exists()


def test_health_answers_need_the_persons_explicit_consent(case):
    facts = {"status": "salarie_prive", "boeth": True}
    with pytest.raises(FundingError) as refused:
        scheme_evaluation_create(actor=case.counsellor, accompaniment=case, facts=facts, on=ON)
    assert refused.value.field == "health_consent"
    assert "consentement explicite" in refused.value.message
    assert not SchemeEvaluation.objects.exists()
    record = scheme_evaluation_create(
        actor=case.counsellor, accompaniment=case, facts=facts, on=ON, sensitive_consent=True
    )
    assert record.sensitive_facts_consented is True


def test_storing_is_audited_with_fact_names_never_values(case):
    record = scheme_evaluation_create(
        actor=case.counsellor, accompaniment=case, facts={"status": "salarie_prive", "working_time_ratio": 0.5}, on=ON
    )
    event = AuditEvent.objects.get(object_type="funding.schemeevaluation", object_id=str(record.pk))
    assert event.action == "create"
    assert event.centre_id == case.centre_id
    assert event.fields == ["catalogue_version", "evaluated_on", "status", "working_time_ratio"]
    assert "salarie_prive" not in str(event.fields)


def test_json_facts_keep_known_values_only_and_dates_as_text():
    assert json_facts({"status": "autre", "boeth": None, "as_of_date": ON, "x": date(2025, 1, 1)}) == {
        "status": "autre",
        "x": "2025-01-01",
    }


def test_a_private_employees_bilan_funded_by_the_cpf_fills_six_facts_with_its_price():
    case = AccompanimentFactory(price_eur=Decimal("1890.00"))
    assert case_facts(case) == {
        "status": "salarie_prive",
        "private_law_contract": True,
        "action_type": "bilan_competences",
        "framework": "cpf",
        "initiated_by": "beneficiaire",
        "action_price_eur": 1890.0,
    }


def test_a_case_without_price_leaves_the_price_to_ask():
    case = AccompanimentFactory(price_eur=None)
    assert "action_price_eur" not in case_facts(case)


def test_an_employer_initiated_bilan_maps_initiator_and_skills_plan():
    case = AccompanimentFactory(employer_initiated=True)
    facts = case_facts(case)
    assert facts["initiated_by"] == "employeur"
    assert facts["framework"] == "plan_developpement_competences"


@pytest.mark.parametrize(
    ("employment_status", "expected"),
    [
        ("job_seeker", {"status": "demandeur_emploi"}),
        ("self_employed", {"status": "travailleur_independant"}),
        ("public_agent", {"status": "agent_public"}),
        ("other", {}),  # « autre » may be an ESAT worker: asked, not guessed
    ],
)
def test_only_certain_employment_statuses_are_mapped(employment_status, expected):
    centre = CentreFactory()
    case = AccompanimentFactory(beneficiary=BeneficiaryFactory(centre=centre, employment_status=employment_status))
    facts = case_facts(case)
    assert {k: v for k, v in facts.items() if k in ("status", "private_law_contract")} == expected


def test_funders_without_an_equivalent_value_are_asked():
    assert "framework" not in case_facts(AccompanimentFactory(funder="transitions_pro"))
    assert "framework" not in case_facts(AccompanimentFactory(funder="opco"))


def test_a_cep_settles_neither_the_action_nor_its_funding():
    facts = case_facts(AccompanimentFactory(kind="cep", planned_hours=10))
    assert not {"action_type", "framework", "initiated_by"} & set(facts)


def test_the_persons_signed_agreement_settles_the_consent_fact():
    case = AccompanimentFactory()
    assert "beneficiary_consent" not in case_facts(case)
    consent_record(actor=case.counsellor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": ON})
    assert case_facts(case)["beneficiary_consent"] is True


def test_the_facts_of_any_case_are_valid_for_the_engine():
    centre = CentreFactory()
    owner = counsellor(centre)
    for funder in ("cpf", "skills_plan", "redeployment_leave", "france_travail", "transitions_pro", "self", "other"):
        case = AccompanimentFactory(beneficiary=BeneficiaryFactory(centre=centre), counsellor=owner, funder=funder)
        evaluate(load_catalogue(), case_facts(case), ON)
