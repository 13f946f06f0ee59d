"""The schemes engine in JSON: the same input and output as `python -m trajectoire.schemes evaluate`.

The input schema is built from the engine's fact vocabulary (`catalogue/facts.yaml`): each fact with its type,
its allowed values and its bounds, so that whatever the published schema accepts the engine accepts too.
"""

import math
from datetime import date
from typing import Annotated, Any, Literal

from ninja import Field, Router
from ninja.errors import HttpError
from pydantic import AfterValidator, PlainValidator, WithJsonSchema, create_model
from pydantic_core import PydanticCustomError

from trajectoire.api.base import ISO_DATE, EngineOut, InputSchema
from trajectoire.api.errors import error_responses
from trajectoire.schemes import STATUSES, FactDefinition, SchemesError, evaluate, load_catalogue

router = Router(tags=["dispositifs"])

# The vocabulary leaves some amounts and durations unbounded; the API bounds them so that no arithmetic of the
# engine can overflow (a billion euros or months is far beyond any real case).
UNBOUNDED_MAXIMUM = 1_000_000_000
MAX_SCHEMES = 50


def _real_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError("doit être une date AAAA-MM-JJ qui existe au calendrier") from None
    return value


IsoDate = Annotated[str, Field(pattern=ISO_DATE, json_schema_extra={"format": "date"}), AfterValidator(_real_date)]


def _fact_type(definition: FactDefinition) -> Any:
    if definition.type == "bool":
        return Annotated[bool, Field(strict=True)]
    if definition.type == "enum":
        return Literal[definition.values]
    if definition.type == "date":
        return IsoDate
    low = definition.minimum
    high = definition.maximum if definition.maximum is not None else UNBOUNDED_MAXIMUM
    return _number(integer=definition.type == "integer", low=low, high=high)


def _number(*, integer: bool, low: float | None, high: float) -> Any:
    """A JSON number in bounds, kept as the JSON gave it (1 stays an int, as for the command line).

    One validator rather than `int | float`: a union would report each failed branch as its own error."""

    def check(value: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PydanticCustomError("int_type" if integer else "float_type", "not a number")
        if integer and isinstance(value, float) and not value.is_integer():
            raise PydanticCustomError("int_from_float", "not an integer")
        if isinstance(value, float) and not math.isfinite(value):
            raise PydanticCustomError("finite_number", "not finite")
        if low is not None and value < low:
            raise PydanticCustomError("greater_than_equal", "too small", {"ge": low})
        if value > high:
            raise PydanticCustomError("less_than_equal", "too large", {"le": high})
        return value

    json_schema: dict[str, Any] = {"type": "integer" if integer else "number", "maximum": high}
    if low is not None:
        json_schema["minimum"] = low
    return Annotated[int | float, PlainValidator(check), WithJsonSchema(json_schema)]


def _facts_model() -> type[InputSchema]:
    fields = {}
    for definition in load_catalogue().fact_definitions():
        if definition.derived:
            continue  # e.g. as_of_date: always the evaluation date `on`, never given
        description = definition.question + (f" {definition.help}" if definition.help else "")
        if definition.unit:
            description += f" (unité : {definition.unit})"
        fields[definition.name] = (
            _fact_type(definition) | None,
            Field(default=None, description=description),
        )
    return create_model(
        "FactsIn",
        __base__=InputSchema,
        __doc__="Faits connus, du vocabulaire de GET /schemes/facts ; null ou absent = inconnu.",
        **fields,
    )


FactsIn = _facts_model()
SchemeId = Literal[tuple(scheme.id for scheme in load_catalogue().schemes)]


class EvaluateIn(InputSchema):
    facts: FactsIn = Field(  # type: ignore[valid-type]
        default_factory=FactsIn,
        description="Faits connus (vocabulaire : GET /schemes/facts) ; null ou absent = inconnu.",
        examples=[{"status": "salarie_prive", "action_type": "bilan_competences", "framework": "cpf"}],
    )
    on: IsoDate = Field(
        description="Date d'évaluation AAAA-MM-JJ : les règles en vigueur à cette date s'appliquent.",
        examples=["2026-03-02"],
    )
    schemes: list[SchemeId] | None = Field(  # type: ignore[valid-type]
        default=None,
        max_length=MAX_SCHEMES,
        description="Limiter l'évaluation à ces dispositifs (identifiants) ; absent = tous.",
    )


class ReasonOut(EngineOut):
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


class SchemeOut(EngineOut):
    id: str
    name: str
    status: str = Field(description=" | ".join(STATUSES))
    reasons: list[ReasonOut]
    missing_facts: list[str]
    amounts: dict[str, int | float | None]
    undetermined_amounts: list[str]
    uncertain: bool


class EvaluationOut(EngineOut):
    on: str
    catalogue_version: str
    schemes: list[SchemeOut]
    warnings: list[str]


class FactValueOut(EngineOut):
    value: str
    label: str


class FactOut(EngineOut):
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


class RuleOut(EngineOut):
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
    response={200: EvaluationOut, **error_responses(400, 401, 403, 413, 422)},
    summary="Évaluer les dispositifs pour une situation à une date",
    description=(
        "Même entrée et même sortie que `python -m trajectoire.schemes evaluate`. Un fait inconnu, une valeur "
        "invalide ou une date mal formée donnent une erreur 422 dont le message, en français, liste les problèmes. "
        "Rien n'est enregistré."
    ),
)
def schemes_evaluate(request, payload: EvaluateIn):
    facts = payload.facts.model_dump(exclude_none=True)
    try:
        return evaluate(load_catalogue(), facts, date.fromisoformat(payload.on), schemes=payload.schemes).to_dict()
    except SchemesError as error:
        raise HttpError(422, str(error))


@router.get(
    "/schemes/facts",
    response={200: list[FactOut], **error_responses(401)},
    summary="Vocabulaire des faits, avec questions et aides",
)
def schemes_facts(request):
    return [definition.to_dict() for definition in load_catalogue().fact_definitions()]


@router.get(
    "/schemes/rules",
    response={200: list[RuleOut], **error_responses(401)},
    summary="Toutes les versions des règles : dates, sources, confiance, statut, dernière vérification",
)
def schemes_rules(request):
    return [row.to_dict() for row in load_catalogue().rule_rows()]
