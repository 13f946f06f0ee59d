"""ROME 4.0 referential in JSON: occupation sheets and the search used by the pages."""

import re
from typing import Annotated

from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from trajectoire.api.base import ROME_CODE_ANY_CASE, SEARCH_QUERY
from trajectoire.api.errors import error_responses
from trajectoire.referentials.models import Occupation
from trajectoire.referentials.search import (
    JOB_TITLE,
    MAX_QUERY_LENGTH,
    MIN_QUERY_LENGTH,
    OCCUPATION,
    SKILL,
    occupations_from_hits,
    search,
)
from trajectoire.referentials.sheets import occupation_sheet

router = Router(tags=["référentiel ROME"])

MAX_LIMIT = 50


class OccupationHitOut(Schema):
    code: str
    label: str
    matched_label: str
    matched_kind: str
    match: str
    score: float


class SkillHitOut(Schema):
    ogr_code: int
    label: str
    detail: str
    match: str
    score: float


class DomainOut(Schema):
    code: str
    label: str


class JobTitleOut(Schema):
    ogr_code: int
    label: str
    label_masculine: str
    label_feminine: str
    is_main: bool
    rarely_used: bool


class ItemOut(Schema):
    ogr_code: int
    label: str
    group: str
    core: str


class MobilityOut(Schema):
    code: str
    label: str
    rank: int


class RiasecOut(Schema):
    major: str
    minor: str


class OccupationOut(Schema):
    code: str
    label: str
    is_active: bool
    parent_code: str
    major_domain: DomainOut | None
    domain: DomainOut | None
    definition: list[str]
    access: list[str]
    tags: list[str]
    riasec: RiasecOut
    job_titles: list[JobTitleOut]
    skills: list[ItemOut]
    knowledge: list[ItemOut]
    work_contexts: list[ItemOut]
    mobilities: list[MobilityOut]
    rome_version: str


def _whole_number(value):
    """A query string is text: only digits make a number (pydantic would also take « 5_0 » or « +5 »); « 41.0 » is
    a whole number for JSON Schema, so it is taken too."""
    if isinstance(value, str) and not re.fullmatch(r"-?[0-9]+(\.0+)?", value):
        raise PydanticCustomError("int_parsing", "not a whole number")
    return value


SearchQuery = Annotated[
    str,
    Query(
        ...,
        min_length=MIN_QUERY_LENGTH,
        max_length=MAX_QUERY_LENGTH,
        pattern=SEARCH_QUERY,
        description="Texte cherché (au moins 2 caractères hors espaces, 100 au plus)",
    ),
]
Limit = Annotated[
    int,
    BeforeValidator(_whole_number),
    Query(10, ge=1, le=MAX_LIMIT, description=f"Nombre de lignes, de 1 à {MAX_LIMIT}"),
]
SEARCH_ERRORS = error_responses(400, 401)


# Declared before /occupations/{code} so that « search » is not taken for a code.
@router.get(
    "/occupations/search",
    response={200: list[OccupationHitOut], **SEARCH_ERRORS},
    summary="Rechercher des fiches métiers (par appellation ou intitulé)",
    description=(
        "Tolère accents, majuscules, fautes de frappe et formes masculines ou féminines. "
        "Une ligne par fiche métier, dans l'ordre de la meilleure correspondance."
    ),
)
def occupation_search(request, q: SearchQuery, limit: Limit = 10):
    hits = search(q.strip(), kinds=(JOB_TITLE, OCCUPATION), limit=limit * 4)
    return [
        {
            "code": code,
            "label": hit.occupation_label,
            "matched_label": hit.label,
            "matched_kind": hit.kind,
            "match": hit.match,
            "score": hit.score,
        }
        for code, hit in occupations_from_hits(hits)[:limit]
    ]


@router.get(
    "/skills/search",
    response={200: list[SkillHitOut], **SEARCH_ERRORS},
    summary="Rechercher des compétences (savoir-faire, savoir-être, macro-compétences)",
)
def skill_search(request, q: SearchQuery, limit: Limit = 10):
    return [
        {"ogr_code": int(hit.code), "label": hit.label, "detail": hit.detail, "match": hit.match, "score": hit.score}
        for hit in search(q.strip(), kinds=(SKILL,), limit=limit)
    ]


@router.get(
    "/occupations/{code}",
    response={200: OccupationOut, **error_responses(400, 401, 404)},
    summary="Une fiche métier ROME 4.0 complète",
)
def occupation_detail(
    request,
    code: Annotated[
        str,
        Path(..., pattern=ROME_CODE_ANY_CASE, description="Code ROME, p. ex. J1501 (ou j1501)", example="J1501"),
    ],
):
    occupation = Occupation.objects.select_related("domain__major_domain").filter(code=code.upper()).first()
    if occupation is None:
        raise HttpError(404, f"Aucune fiche métier ROME ne porte le code « {code} ».")
    sheet = occupation_sheet(occupation)
    domain = occupation.domain
    return {
        "code": occupation.code,
        "label": occupation.label,
        "is_active": occupation.is_active,
        "parent_code": occupation.parent_code,
        "major_domain": {"code": domain.major_domain.code, "label": domain.major_domain.label} if domain else None,
        "domain": {"code": domain.code, "label": domain.label} if domain else None,
        "definition": occupation.definition_lines,
        "access": occupation.access_lines,
        "tags": sheet.tags,
        "riasec": {"major": occupation.riasec_major, "minor": occupation.riasec_minor},
        "job_titles": [
            {
                "ogr_code": j.ogr_code,
                "label": j.label,
                "label_masculine": j.label_masculine,
                "label_feminine": j.label_feminine,
                "is_main": j.is_main,
                "rarely_used": j.rarely_used,
            }
            for j in sheet.job_titles
        ],
        "skills": [
            {"ogr_code": i.ogr_code, "label": i.skill.label, "group": g.title, "core": i.core}
            for g in sheet.skill_groups
            for i in g.items
        ],
        "knowledge": [
            {"ogr_code": i.ogr_code, "label": i.knowledge.label, "group": g.title, "core": i.core}
            for g in sheet.knowledge_groups
            for i in g.items
        ],
        "work_contexts": [
            {"ogr_code": i.ogr_code, "label": i.work_context.label, "group": g.title, "core": i.core}
            for g in sheet.context_groups
            for i in g.items
        ],
        "mobilities": [{"code": m.target.code, "label": m.target.label, "rank": m.rank} for m in sheet.mobilities],
        "rome_version": sheet.version.version if sheet.version else "",
    }
