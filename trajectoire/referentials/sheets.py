"""Read side of an occupation: everything its page and the API show, in a few queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from trajectoire.referentials.enums import CoreFlag, ItemKind, ReferentialSource, Riasec, SkillCategory
from trajectoire.referentials.models import (
    EmploymentArea,
    JobTitle,
    LabourTension,
    Mobility,
    Occupation,
    OccupationItem,
    ReferentialVersion,
)

TENSION_LEVELS = {1: "très faible", 2: "faible", 3: "moyenne", 4: "forte", 5: "très forte"}


@dataclass
class ItemGroup:
    title: str
    items: list[OccupationItem] = field(default_factory=list)

    @property
    def core_count(self) -> int:
        return sum(1 for item in self.items if item.core)


@dataclass
class OccupationSheet:
    occupation: Occupation
    job_titles: list[JobTitle]
    skill_groups: list[ItemGroup]
    knowledge_groups: list[ItemGroup]
    context_groups: list[ItemGroup]
    mobilities: list[Mobility]
    riasec: list[tuple[str, str, str]]  # (rank « majeur » / « mineur », letter, label)
    tags: list[str]
    version: ReferentialVersion | None

    @property
    def skill_count(self) -> int:
        return sum(len(group.items) for group in self.skill_groups)

    @property
    def knowledge_count(self) -> int:
        return sum(len(group.items) for group in self.knowledge_groups)


def _sort_items(items: list[OccupationItem], label) -> list[OccupationItem]:
    # Core items first (main before emerging), then alphabetical.
    order = {CoreFlag.MAIN: 0, CoreFlag.EMERGING: 1, CoreFlag.NONE: 2}
    return sorted(items, key=lambda item: (order.get(item.core, 2), label(item).lower()))


def _group(items, key, label, order: list[str] | None = None) -> list[ItemGroup]:
    groups: dict[str, ItemGroup] = {}
    for item in items:
        title = key(item) or "autres"
        groups.setdefault(title, ItemGroup(title)).items.append(item)
    for group in groups.values():
        group.items = _sort_items(group.items, label)
    titles = sorted(groups, key=lambda t: (order.index(t) if order and t in order else len(order or []), t))
    return [groups[t] for t in titles]


def _skill_group_title(item: OccupationItem) -> str:
    skill = item.skill
    if skill.category == SkillCategory.SOFT_SKILL:
        return "Savoir-être professionnels"
    return f"Savoir-faire — {skill.sub_category.lower()}" if skill.sub_category else "Savoir-faire"


SKILL_GROUP_ORDER = [
    "Savoir-faire — technique",
    "Savoir-faire — technique expert",
    "Savoir-faire — transverse",
    "Savoir-faire",
    "Savoir-être professionnels",
]


def occupation_sheet(occupation: Occupation) -> OccupationSheet:
    items = list(
        OccupationItem.objects.active()
        .filter(occupation=occupation)
        .select_related("skill", "knowledge", "work_context")
    )
    skills = [i for i in items if i.kind == ItemKind.SKILL]
    knowledge = [i for i in items if i.kind == ItemKind.KNOWLEDGE]
    contexts = [i for i in items if i.kind == ItemKind.WORK_CONTEXT]
    job_titles = list(occupation.job_titles.active().order_by("-is_main", "rarely_used", "label"))
    mobilities = list(
        occupation.mobilities.active().filter(target__is_active=True).select_related("target").order_by("rank")
    )
    riasec = []
    if occupation.riasec_major:
        riasec.append(("majeur", occupation.riasec_major, Riasec(occupation.riasec_major).label))
    if occupation.riasec_minor:
        riasec.append(("mineur", occupation.riasec_minor, Riasec(occupation.riasec_minor).label))
    return OccupationSheet(
        occupation=occupation,
        job_titles=job_titles,
        skill_groups=_group(skills, _skill_group_title, lambda i: i.skill.label, SKILL_GROUP_ORDER),
        knowledge_groups=_group(knowledge, lambda i: i.knowledge.category, lambda i: i.knowledge.label),
        context_groups=_group(contexts, lambda i: i.work_context.type_label, lambda i: i.work_context.label),
        mobilities=mobilities,
        riasec=riasec,
        tags=occupation_tags(occupation),
        version=ReferentialVersion.objects.current(ReferentialSource.ROME),
    )


def occupation_tags(occupation: Occupation) -> list[str]:
    tags = []
    if occupation.transition_eco:
        tags.append(occupation.get_transition_eco_display())
    if occupation.transition_num:
        tags.append("transition numérique")
    if occupation.transition_demo:
        tags.append("transition démographique")
    if occupation.regulated:
        tags.append("métier réglementé")
    if occupation.executive:
        tags.append("emploi cadre")
    return tags


@dataclass
class TensionView:
    """The tension of one occupation in one area, with the national picture for context."""

    area: EmploymentArea | None
    tension: LabourTension | None
    year: int | None
    level_label: str
    # Number of areas per level (1..5) for this occupation, same year.
    distribution: list[tuple[int, str, int]]
    area_count: int


def tension_view(occupation: Occupation, area: EmploymentArea | None) -> TensionView:
    rows = LabourTension.objects.filter(occupation=occupation)
    year = rows.order_by("-year").values_list("year", flat=True).first()
    tension = None
    if area is not None and year is not None:
        tension = rows.filter(area=area, year=year).first()
    distribution = []
    area_count = 0
    if year is not None:
        counts = rows.filter(year=year).aggregate(
            **{f"level_{n}": Count("id", filter=Q(tension=n)) for n in TENSION_LEVELS}
        )
        distribution = [(n, TENSION_LEVELS[n], counts[f"level_{n}"]) for n in TENSION_LEVELS]
        area_count = sum(c for _, _, c in distribution)
    return TensionView(
        area=area,
        tension=tension,
        year=year,
        level_label=TENSION_LEVELS.get(tension.tension, "") if tension else "",
        distribution=distribution,
        area_count=area_count,
    )
