"""The schemes engine in JSON: the same input and output as `python -m trajectoire.schemes evaluate`."""

from datetime import date
from typing import Any

from ninja import Field, Router, Schema
from ninja.errors import HttpError

from trajectoire.schemes import STATUSES, SchemesError, evaluate, load_catalogue

router = Router(tags=["dispositifs"])


class ErrorOut(Schema):
    detail: str


class EvaluateIn(Schema):
    facts: dict[str, Any] = Field(
        default_factory=dict,
        description="Faits connus (vocabulaire : GET /schemes/facts) ; null ou absent = inconnu.",
        examples=[{"status": "salarie_prive", "action_type": "bilan_competences", "framework": "cpf"}],
    )
    on: str = Field(
        description="Date d'évaluation AAAA-MM-JJ : les règles en vigueur à cette date s'appliquent.",
        examples=["2026-03-02"],
        json_schema_extra={"format": "date"},
    )
    schemes: list[str] | None = Field(
        default=None, description="Limiter l'évaluation à ces dispositifs (identifiants) ; absent = tous."
    )


class ReasonOut(Schema):
    text: str
    legal_refs: list[str]
    rule: str
    kind: str
    outcome: str
    confidence: str
    rule_status: str
    uncertain: bool
    flag: str | None
    source_urls: list[str]
    last_verified: str | None


class SchemeOut(Schema):
    id: str
    name: str
    status: str = Field(description=" | ".join(STATUSES))
    reasons: list[ReasonOut]
    missing_facts: list[str]
    amounts: dict[str, int | float | None]
    undetermined_amounts: list[str]
    uncertain: bool


class EvaluationOut(Schema):
    on: str
    catalogue_version: str
    schemes: list[SchemeOut]
    warnings: list[str]


class FactValueOut(Schema):
    value: str
    label: str


class FactOut(Schema):
    name: str
    type: str
    question: str
    help: str
    values: list[FactValueOut]
    minimum: float | None
    maximum: float | None
    unit: str | None
    sensitive: bool
    derived: bool


class RuleOut(Schema):
    scheme: str
    rule: str
    kind: str
    title: str
    effective_from: str | None
    effective_to: str | None
    status: str
    confidence: str
    last_verified: str
    legal_refs: list[str]
    source_urls: list[str]
    notes: str | None
    to_verify: bool


@router.post(
    "/schemes/evaluate",
    response={200: EvaluationOut, 422: ErrorOut},
    summary="Évaluer les dispositifs pour une situation à une date",
    description=(
        "Même entrée et même sortie que `python -m trajectoire.schemes evaluate`. Un fait inconnu, une valeur "
        "invalide ou une date mal formée donnent une erreur 422 dont le message, en français, liste les problèmes. "
        "Rien n'est enregistré."
    ),
)
def schemes_evaluate(request, payload: EvaluateIn):
    try:
        on = date.fromisoformat(payload.on)
    except ValueError:
        raise HttpError(422, f"Date d'évaluation invalide « {payload.on} » : attendu AAAA-MM-JJ.")
    try:
        return evaluate(load_catalogue(), payload.facts, on, schemes=payload.schemes).to_dict()
    except SchemesError as error:
        raise HttpError(422, str(error))


@router.get("/schemes/facts", response=list[FactOut], summary="Vocabulaire des faits, avec questions et aides")
def schemes_facts(request):
    return [definition.to_dict() for definition in load_catalogue().fact_definitions()]


@router.get(
    "/schemes/rules",
    response=list[RuleOut],
    summary="Toutes les versions des règles : dates, sources, confiance, statut, dernière vérification",
)
def schemes_rules(request):
    return [row.to_dict() for row in load_catalogue().rule_rows()]
