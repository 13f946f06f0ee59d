"""ROME 4.0 referential in JSON: occupation sheets and the search used by the pages."""

from ninja import Router, Schema
from ninja.errors import HttpError

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


class ErrorOut(Schema):
    detail: str


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


def _checked_query(q: str) -> str:
    q = q.strip()
    if len(q) < MIN_QUERY_LENGTH:
        raise HttpError(400, f"Le paramètre q doit contenir au moins {MIN_QUERY_LENGTH} caractères.")
    if len(q) > MAX_QUERY_LENGTH:
        raise HttpError(400, f"Le paramètre q ne doit pas dépasser {MAX_QUERY_LENGTH} caractères.")
    return q


def _checked_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"Le paramètre limit doit être compris entre 1 et {MAX_LIMIT}.")
    return limit


# Declared before /occupations/{code} so that « search » is not taken for a code.
@router.get(
    "/occupations/search",
    response={200: list[OccupationHitOut], 400: ErrorOut},
    summary="Rechercher des fiches métiers (par appellation ou intitulé)",
    description=(
        "Tolère accents, majuscules, fautes de frappe et formes masculines ou féminines. "
        "Une ligne par fiche métier, dans l'ordre de la meilleure correspondance."
    ),
)
def occupation_search(request, q: str = "", limit: int = 10):
    query = _checked_query(q)
    limit = _checked_limit(limit)
    hits = search(query, kinds=(JOB_TITLE, OCCUPATION), limit=limit * 4)
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
    response={200: list[SkillHitOut], 400: ErrorOut},
    summary="Rechercher des compétences (savoir-faire, savoir-être, macro-compétences)",
)
def skill_search(request, q: str = "", limit: int = 10):
    query = _checked_query(q)
    limit = _checked_limit(limit)
    return [
        {"ogr_code": int(hit.code), "label": hit.label, "detail": hit.detail, "match": hit.match, "score": hit.score}
        for hit in search(query, kinds=(SKILL,), limit=limit)
    ]


@router.get(
    "/occupations/{code}",
    response={200: OccupationOut, 404: ErrorOut},
    summary="Une fiche métier ROME 4.0 complète",
)
def occupation_detail(request, code: str):
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
