"""The appendix of the document de synthèse, drawn from the case: what the four legal sections summarise, laid
out so the person can keep it (skills by macro-compétence, interests, retained pistes, dated plan, hours held).

Read-only: it builds plain values for the template and never writes. Raw ROME/OGR codes never reach the page:
a skill the referential cannot name is left out rather than printed as a number.
"""

from dataclasses import dataclass, field
from datetime import date
from html import escape

from django.utils import timezone

from trajectoire import formatting
from trajectoire.cases.attendance import french_day
from trajectoire.cases.enums import PisteDecision, SuggestionStatus
from trajectoire.cases.models import Accompaniment
from trajectoire.cases.services import minutes_held
from trajectoire.referentials.enums import Riasec, SkillCategory, SkillNature
from trajectoire.referentials.models import Skill

# Holland's order, the one the RIASEC code is read in when two letters tie.
RIASEC_ORDER = "RIASEC"
# A skill's major interest type weighs twice its minor one, as ROME ranks them.
MAJOR_WEIGHT = 2
MINOR_WEIGHT = 1
OTHER_GROUP = "Autres compétences"


@dataclass
class SkillGroup:
    """One macro-compétence and the profile's skills under it; `whole` when the macro itself is in the profile."""

    title: str
    skills: list[str] = field(default_factory=list)
    whole: bool = False


@dataclass
class SkillFamily:
    """Savoir-faire or savoir-être professionnels, with their macro-compétences."""

    title: str
    groups: list[SkillGroup]
    count: int


@dataclass(frozen=True)
class InterestBar:
    letter: str
    label: str
    score: int
    y: int
    width: int


@dataclass(frozen=True)
class Interests:
    code: str
    bars: list[InterestBar]
    svg: str
    summary: str


@dataclass(frozen=True)
class RetainedPiste:
    label: str
    reason: str
    shared: list[str]
    missing: list[str]


@dataclass(frozen=True)
class TimelineStep:
    when: str
    kind: str
    description: str
    piste: str


@dataclass(frozen=True)
class Appendix:
    families: list[SkillFamily]
    skill_count: int
    interests: Interests | None
    pistes: list[RetainedPiste]
    steps: list[TimelineStep]
    started_on: str
    ended_on: str
    held: str
    planned: str
    # Set once the working documents were destroyed (R6313-7): the appendix then says so instead of « aucune ».
    destroyed_on: str = ""


def _ogr(code) -> int | None:
    text = str(code or "").strip()
    return int(text) if text.isdigit() else None


def _referential(codes) -> dict[int, Skill]:
    wanted = {c for c in (_ogr(code) for code in codes) if c is not None}
    if not wanted:
        return {}
    return {s.ogr_code: s for s in Skill.objects.filter(ogr_code__in=wanted).select_related("macro_competence")}


def _family_title(category: str) -> str:
    return "Savoir-être professionnels" if category == SkillCategory.SOFT_SKILL else "Savoir-faire"


def skill_families(labels_by_code: dict[str, str], referential: dict[int, Skill]) -> list[SkillFamily]:
    """Group the profile's skills under their ROME macro-compétence, savoir-faire first, then savoir-être."""
    families: dict[str, dict[str, SkillGroup]] = {}
    counts: dict[str, int] = {}
    for code, label in labels_by_code.items():
        skill = referential.get(_ogr(code) or -1)
        if skill is None:
            family, group_title, whole = "", OTHER_GROUP, False
        elif skill.nature == SkillNature.MACRO or skill.macro_competence is None:
            family, group_title, whole = _family_title(skill.category), skill.label, True
        else:
            macro = skill.macro_competence
            family, group_title, whole = _family_title(macro.category or skill.category), macro.label, False
        group = families.setdefault(family, {}).setdefault(group_title, SkillGroup(title=group_title))
        if whole:
            group.whole = True
        else:
            group.skills.append(label)
        counts[family] = counts.get(family, 0) + 1
    order = ["Savoir-faire", "Savoir-être professionnels", ""]
    out = []
    for family in sorted(families, key=order.index):
        groups = sorted(families[family].values(), key=lambda g: g.title.casefold())
        for group in groups:
            group.skills.sort(key=str.casefold)
        out.append(SkillFamily(title=family or OTHER_GROUP, groups=groups, count=counts[family]))
    return out


def interests(referential: dict[int, Skill], codes) -> Interests | None:
    """The person's interest types as their recognised skills carry them in ROME (each skill's macro-compétence
    has a major and a minor RIASEC letter). None when no skill of the profile carries one: no empty chart."""
    scores = dict.fromkeys(RIASEC_ORDER, 0)
    for code in codes:
        skill = referential.get(_ogr(code) or -1)
        if skill is None:
            continue
        source = skill.macro_competence if skill.macro_competence is not None else skill
        if source.riasec_major in scores:
            scores[source.riasec_major] += MAJOR_WEIGHT
        if source.riasec_minor in scores:
            scores[source.riasec_minor] += MINOR_WEIGHT
    if not any(scores.values()):
        return None
    ranked = sorted((letter for letter in RIASEC_ORDER if scores[letter]), key=lambda c: -scores[c])
    code = "".join(ranked[:3])
    top = max(scores.values())
    labels = dict(Riasec.choices)
    bars = [
        InterestBar(
            letter=letter,
            label=labels[letter],
            score=scores[letter],
            y=index * BAR_PITCH,
            width=round(BAR_MAX * scores[letter] / top),
        )
        for index, letter in enumerate(RIASEC_ORDER)
    ]
    summary = ", ".join(f"{bar.label} {bar.score}" for bar in bars)
    return Interests(code=code, bars=bars, svg=_svg(bars, code, summary), summary=summary)


BAR_PITCH = 22
BAR_HEIGHT = 14
BAR_MAX = 300
LABEL_WIDTH = 130
# The PDF's one font family, inside the chart too.
TEXT_ATTRS = 'font-family="DejaVu Sans" font-size="10" fill="#222"'


def _svg(bars: list[InterestBar], code: str, summary: str) -> str:
    """Horizontal bars drawn on the server (no script in a PDF); the <title> is the figure's alternative text in
    the tagged PDF, and the same figures are printed beside the chart."""
    height = BAR_PITCH * len(bars)
    width = LABEL_WIDTH + BAR_MAX + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="interests-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        f"<title>{escape(f'Intérêts professionnels, code {code} : {summary}')}</title>",
    ]
    for bar in bars:
        middle = bar.y + BAR_HEIGHT / 2 + 4
        name = escape(f"{bar.label.capitalize()} ({bar.letter})")
        parts.append(f'<text x="0" y="{middle:g}" {TEXT_ATTRS}>{name}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{bar.y}" width="{BAR_MAX}" height="{BAR_HEIGHT}" fill="#e5e9f5"/>')
        if bar.width:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar.y}" width="{bar.width}" height="{BAR_HEIGHT}" fill="#1d4ed8"/>'
            )
        parts.append(f'<text x="{LABEL_WIDTH + BAR_MAX + 6}" y="{middle:g}" {TEXT_ATTRS}>{bar.score}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _labels(items, referential: dict[int, Skill]) -> list[str]:
    """Shared or missing skills of a piste by label: dicts carry their label; a bare code is named from the
    referential, or left out."""
    out = []
    for item in items or []:
        if isinstance(item, dict):
            label = (item.get("label") or "").strip()
            code = item.get("code_ogr")
        else:
            label, code = "", item
        if not label or label == str(code):
            skill = referential.get(_ogr(code) or -1)
            label = skill.label if skill is not None else ""
        if label and label not in out:
            out.append(label)
    return out


def _piste_codes(pistes) -> list:
    return [
        item.get("code_ogr") if isinstance(item, dict) else item
        for piste in pistes
        for item in (*(piste.shared_skills or []), *(piste.missing_skills or []))
    ]


def _when(day: date | None) -> str:
    return french_day(day) if day else "Sans échéance fixée"


def build_appendix(case: Accompaniment) -> Appendix:
    profile = list(
        case.skills.filter(status=SuggestionStatus.ACCEPTED, removed_at__isnull=True)
        .order_by("label")
        .values_list("code_ogr", "label")
    )
    pistes = list(case.pistes.filter(decision=PisteDecision.RETAINED).order_by("-score", "id"))
    referential = _referential([code for code, _ in profile] + _piste_codes(pistes))
    labels_by_code = dict(profile)
    steps = sorted(
        case.action_steps.select_related("piste"),
        key=lambda s: (s.target_date is None, s.target_date or date.max, s.pk),
    )
    return Appendix(
        families=skill_families(labels_by_code, referential),
        skill_count=len(labels_by_code),
        interests=interests(referential, labels_by_code),
        pistes=[
            RetainedPiste(
                label=p.label,
                reason=p.decision_reason,
                shared=_labels(p.shared_skills, referential),
                missing=_labels(p.missing_skills, referential),
            )
            for p in pistes
        ],
        steps=[
            TimelineStep(
                when=_when(s.target_date),
                kind=s.get_kind_display(),
                description=s.description,
                piste=s.piste.label if s.piste_id else "",
            )
            for s in steps
        ],
        started_on=french_day(case.started_on) if case.started_on else "",
        ended_on=french_day(case.ended_on) if case.ended_on else "",
        held=formatting.duration(minutes_held(case)),
        planned=formatting.hours(case.planned_hours),
        destroyed_on=french_day(timezone.localtime(case.retention_applied_at).date())
        if case.retention_applied_at
        else "",
    )
