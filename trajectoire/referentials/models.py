"""ROME 4.0 referential, recruitment tension and employment areas.

Public reference data, no personal data. Rows are written only by the importers
(`importers/rome.py`, `importers/tension.py`); a code that disappears from a newer version is kept
with `is_active=False` so that profiles and suggestions pointing to it never break.
"""

from django.db import models
from django.db.models import Q

from trajectoire.referentials.enums import (
    CoreFlag,
    EcologicalTransition,
    ItemKind,
    ReferentialSource,
    Riasec,
    SkillCategory,
    SkillNature,
)

ROME_CODE_LENGTH = 5


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class SkillQuerySet(ActiveQuerySet):
    def labels_by_code(self, codes) -> dict[str, str]:
        """Labels of the skills whose OGR codes are given (as text, the engines' form); other codes are ignored."""
        numeric = [int(c) for c in codes if str(c).isdigit()]
        return {str(ogr): label for ogr, label in self.filter(ogr_code__in=numeric).values_list("ogr_code", "label")}


class ReferentialVersionQuerySet(models.QuerySet["ReferentialVersion"]):
    def current(self, source: str) -> "ReferentialVersion | None":
        """The version of `source` imported last (None before the first import)."""
        return self.filter(source=source).order_by("-imported_at", "-id").first()


class ReferentialVersion(models.Model):
    source = models.CharField("source", max_length=20, choices=ReferentialSource.choices)
    version = models.CharField("version", max_length=20)
    published_on = models.DateField("publiée le", null=True, blank=True)
    imported_at = models.DateTimeField("importée le")
    summary = models.JSONField("bilan de l'import", default=dict, blank=True)

    objects = ReferentialVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "version de référentiel"
        verbose_name_plural = "versions de référentiel"
        ordering = ["source", "-imported_at"]
        constraints = [models.UniqueConstraint("source", "version", name="referential_version_unique")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} — version {self.version}"


class MajorDomain(models.Model):
    """Grand domaine (one letter, e.g. J « Santé »)."""

    code = models.CharField("code", max_length=1, unique=True)
    label = models.CharField("libellé", max_length=255)
    is_active = models.BooleanField("actif", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "grand domaine"
        verbose_name_plural = "grands domaines"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class ProfessionalDomain(models.Model):
    """Domaine professionnel (letter + two digits, e.g. J15 « Soins paramédicaux »)."""

    code = models.CharField("code", max_length=3, unique=True)
    label = models.CharField("libellé", max_length=255)
    major_domain = models.ForeignKey(
        MajorDomain, on_delete=models.PROTECT, related_name="domains", verbose_name="grand domaine"
    )
    is_active = models.BooleanField("actif", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "domaine professionnel"
        verbose_name_plural = "domaines professionnels"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class Occupation(models.Model):
    """Fiche métier ROME 4.0 (e.g. J1501 Aide-soignant / Aide-soignante)."""

    code = models.CharField("code ROME", max_length=ROME_CODE_LENGTH, unique=True)
    ogr_code = models.PositiveIntegerField("code OGR")
    label = models.CharField("libellé", max_length=255)
    parent_code = models.CharField("code ROME v3 parent", max_length=ROME_CODE_LENGTH, blank=True, db_index=True)
    domain = models.ForeignKey(
        ProfessionalDomain,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occupations",
        verbose_name="domaine professionnel",
    )
    transition_eco = models.CharField(
        "transition écologique", max_length=20, choices=EcologicalTransition.choices, blank=True
    )
    transition_num = models.BooleanField("transition numérique", null=True)
    transition_demo = models.BooleanField("transition démographique", null=True)
    regulated = models.BooleanField("métier réglementé", null=True)
    executive = models.BooleanField("emploi cadre", null=True)
    riasec_major = models.CharField("RIASEC majeur", max_length=1, choices=Riasec.choices, blank=True)
    riasec_minor = models.CharField("RIASEC mineur", max_length=1, choices=Riasec.choices, blank=True)
    definition = models.TextField("définition", blank=True)
    access = models.TextField("accès au métier", blank=True)
    is_active = models.BooleanField("active", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche métier"
        verbose_name_plural = "fiches métiers"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"

    @property
    def definition_lines(self) -> list[str]:
        return [line for line in self.definition.splitlines() if line.strip()]

    @property
    def access_lines(self) -> list[str]:
        return [line for line in self.access.splitlines() if line.strip()]


class JobTitle(models.Model):
    """Appellation: one of ~13,000 job titles, each attached to one occupation."""

    ogr_code = models.PositiveIntegerField("code OGR", unique=True)
    label = models.CharField("libellé long", max_length=255)
    short_label = models.CharField("libellé court", max_length=255, blank=True)
    label_masculine = models.CharField("libellé au masculin", max_length=255, blank=True)
    label_feminine = models.CharField("libellé au féminin", max_length=255, blank=True)
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="job_titles", verbose_name="fiche métier"
    )
    is_main = models.BooleanField("appellation principale", default=False)
    rarely_used = models.BooleanField("peu usitée", default=False)
    regulated = models.BooleanField("emploi réglementé", null=True)
    executive = models.BooleanField("emploi cadre", null=True)
    is_active = models.BooleanField("active", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "appellation"
        verbose_name_plural = "appellations"
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Skill(models.Model):
    """Compétence (savoir-faire) or macro-compétence (savoir-faire or savoir-être professionnel)."""

    ogr_code = models.PositiveIntegerField("code OGR", unique=True)
    label = models.CharField("libellé", max_length=500)
    nature = models.CharField("nature", max_length=20, choices=SkillNature.choices)
    category = models.CharField("catégorie", max_length=20, choices=SkillCategory.choices)
    sub_category = models.CharField("sous-catégorie", max_length=100, blank=True)
    macro_code = models.CharField("code de macro-compétence", max_length=10, blank=True)
    macro_competence = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competences",
        verbose_name="macro-compétence",
    )
    definition = models.TextField("définition", blank=True)
    transition_eco = models.BooleanField("transition écologique", null=True)
    transition_num = models.BooleanField("transition numérique", null=True)
    riasec_major = models.CharField("RIASEC majeur", max_length=1, choices=Riasec.choices, blank=True)
    riasec_minor = models.CharField("RIASEC mineur", max_length=1, choices=Riasec.choices, blank=True)
    is_active = models.BooleanField("active", default=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        verbose_name = "compétence"
        verbose_name_plural = "compétences"
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Knowledge(models.Model):
    """Savoir (knowledge item: techniques, standards, certifications...)."""

    ogr_code = models.PositiveIntegerField("code OGR", unique=True)
    label = models.CharField("libellé", max_length=500)
    category = models.CharField("catégorie", max_length=100, blank=True)
    sub_category = models.CharField("sous-catégorie", max_length=100, blank=True)
    transition_eco = models.BooleanField("transition écologique", null=True)
    transition_num = models.BooleanField("transition numérique", null=True)
    is_active = models.BooleanField("actif", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "savoir"
        verbose_name_plural = "savoirs"
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class WorkContext(models.Model):
    """Contexte de travail (hours, conditions, places, public...)."""

    ogr_code = models.PositiveIntegerField("code OGR", unique=True)
    label = models.CharField("libellé", max_length=500)
    type_code = models.CharField("code du type", max_length=10, blank=True)
    type_label = models.CharField("type de contexte", max_length=255, blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "contexte de travail"
        verbose_name_plural = "contextes de travail"
        ordering = ["type_label", "label"]

    def __str__(self) -> str:
        return self.label


class OccupationItem(models.Model):
    """Link of an occupation to one skill, knowledge item or work context (ROME `coherence_item`).

    `ogr_code` is the item's code (OGR codes are unique across the three referentials); exactly one of
    the three foreign keys is set, matching `kind`.
    """

    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="items", verbose_name="fiche métier"
    )
    ogr_code = models.PositiveIntegerField("code OGR de l'élément")
    kind = models.CharField("type d'élément", max_length=20, choices=ItemKind.choices)
    skill = models.ForeignKey(
        Skill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occupation_items",
        verbose_name="compétence",
    )
    knowledge = models.ForeignKey(
        Knowledge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occupation_items",
        verbose_name="savoir",
    )
    work_context = models.ForeignKey(
        WorkContext,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occupation_items",
        verbose_name="contexte de travail",
    )
    core = models.CharField("cœur de métier", max_length=20, choices=CoreFlag.choices, blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "élément de fiche métier"
        verbose_name_plural = "éléments de fiche métier"
        constraints = [
            models.UniqueConstraint("occupation", "ogr_code", name="occupation_item_unique"),
            models.CheckConstraint(
                condition=(
                    Q(kind=ItemKind.SKILL, skill__isnull=False, knowledge__isnull=True, work_context__isnull=True)
                    | Q(
                        kind=ItemKind.KNOWLEDGE, skill__isnull=True, knowledge__isnull=False, work_context__isnull=True
                    )
                    | Q(
                        kind=ItemKind.WORK_CONTEXT,
                        skill__isnull=True,
                        knowledge__isnull=True,
                        work_context__isnull=False,
                    )
                ),
                name="occupation_item_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} — {self.ogr_code}"

    @property
    def is_core(self) -> bool:
        return bool(self.core)


class Mobility(models.Model):
    """Expert-curated mobility from one occupation to another (ROME `rubrique_mobilite`), ranked."""

    source = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="mobilities", verbose_name="métier de départ"
    )
    target = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="incoming_mobilities", verbose_name="métier cible"
    )
    rank = models.PositiveSmallIntegerField("rang")
    is_active = models.BooleanField("active", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "mobilité"
        verbose_name_plural = "mobilités"
        ordering = ["source", "rank"]
        constraints = [models.UniqueConstraint("source", "target", name="mobility_unique")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.rank})"


class EmploymentArea(models.Model):
    """Bassin d'emploi (BE19 code, INSEE / France Travail)."""

    code = models.CharField("code", max_length=10, unique=True)
    label = models.CharField("libellé", max_length=255)
    department = models.CharField("département principal", max_length=3, blank=True)
    region = models.CharField("code région", max_length=3, blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "bassin d'emploi"
        verbose_name_plural = "bassins d'emploi"
        ordering = ["label", "code"]

    def __str__(self) -> str:
        return f"{self.label} ({self.department})" if self.department else self.label


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=255)
    department = models.CharField("département", max_length=3, blank=True)
    area = models.ForeignKey(
        EmploymentArea, on_delete=models.PROTECT, related_name="communes", verbose_name="bassin d'emploi"
    )
    is_active = models.BooleanField("active", default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name", "insee_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"


class LabourTension(models.Model):
    """Recruitment tension of an occupation in a bassin d'emploi for one year (DARES method).

    The source is coded in ROME v3: each row is copied to every ROME 4.0 occupation whose
    `parent_code` is that v3 code, and `rome_v3_code` keeps the original code.
    Indicators are quintiles, 1 (low) to 5 (high).
    """

    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="tensions", verbose_name="fiche métier"
    )
    area = models.ForeignKey(
        EmploymentArea, on_delete=models.PROTECT, related_name="tensions", verbose_name="bassin d'emploi"
    )
    year = models.PositiveSmallIntegerField("année des données")
    rome_v3_code = models.CharField("code ROME v3 source", max_length=ROME_CODE_LENGTH)
    tension = models.PositiveSmallIntegerField("indicateur de tension")
    hiring_intensity = models.PositiveSmallIntegerField("intensité d'embauches", null=True)
    labour_shortage = models.PositiveSmallIntegerField("manque de main-d'œuvre disponible", null=True)
    job_durability = models.PositiveSmallIntegerField("non-durabilité de l'emploi", null=True)
    working_conditions = models.PositiveSmallIntegerField("conditions de travail contraignantes", null=True)
    geographic_mismatch = models.PositiveSmallIntegerField("inadéquation géographique", null=True)
    training_link = models.PositiveSmallIntegerField("lien entre spécialité de formation et emploi", null=True)
    offers = models.FloatField("offres d'emploi", null=True)
    job_seekers = models.FloatField("demandeurs d'emploi (A, B, C)", null=True)

    class Meta:
        verbose_name = "tension de recrutement"
        verbose_name_plural = "tensions de recrutement"
        ordering = ["occupation", "area", "-year"]
        constraints = [
            models.UniqueConstraint("occupation", "area", "year", name="labour_tension_unique"),
            models.CheckConstraint(condition=Q(tension__gte=1, tension__lte=5), name="labour_tension_range"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} × {self.area_id} ({self.year}) : {self.tension}"

    COMPONENTS = (
        "hiring_intensity",
        "labour_shortage",
        "job_durability",
        "working_conditions",
        "geographic_mismatch",
        "training_link",
    )

    @property
    def components(self) -> list[tuple[str, int | None]]:
        """(French label, value) of the six components, in the DARES order."""
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in self.COMPONENTS]
