from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from trajectoire import formatting
from trajectoire.accounts.access import centre_ids_of, managed_centre_ids
from trajectoire.accounts.models import Centre, postal_code_validator
from trajectoire.cases.enums import (
    EMPLOYER_ROUTES,
    OPEN_STATES,
    PHASE_STATES,
    AttendanceMethod,
    CancelledBy,
    CaseTaskKind,
    ConsentKind,
    EmployerType,
    EmploymentStatus,
    FollowUpOutcome,
    Funder,
    Initiator,
    Kind,
    PisteDecision,
    SessionMode,
    SessionStatus,
    SkillProvenance,
    State,
    StepKind,
    SuggestionStatus,
)
from trajectoire.locking import Versioned


class BeneficiaryQuerySet(models.QuerySet["Beneficiary"]):
    def visible_to(self, user) -> "BeneficiaryQuerySet":
        """Beneficiaries of the centres where the user is an active member; nothing for anyone else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(centre_id__in=centre_ids_of(user))

    def search(self, query: str) -> "BeneficiaryQuerySet":
        query = query.strip()
        if not query:
            return self
        condition = Q()
        for word in query.split():
            condition &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(postal_code__startswith=word)
            )
        return self.filter(condition)


class Beneficiary(Versioned):
    """The person accompanied. Data minimisation: nothing beyond what the accompaniment needs
    (C. trav. L6313-4 al. 3) — no social security number, no health details."""

    # Marks the model as holding personal data: it must have an access funnel (tests/test_consistency.py).
    PERSONAL_DATA = True

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="beneficiaries", verbose_name="centre")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beneficiaries",
        verbose_name="conseiller référent",
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    birth_year = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True, validators=[postal_code_validator])
    employment_status = models.CharField("situation professionnelle", max_length=20, choices=EmploymentStatus.choices)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "centre", condition=~Q(email=""), name="beneficiary_email_unique_per_centre"
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="beneficiary_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CaseQuerySet(models.QuerySet):
    """Shared by every model that hangs off an accompaniment."""

    accompaniment_path = "accompaniment"

    def visible_to(self, user):
        return self.filter(**{f"{self.accompaniment_path}__in": Accompaniment.objects.visible_to(user)})


class AccompanimentQuerySet(models.QuerySet["Accompaniment"]):
    def visible_to(self, user) -> "AccompanimentQuerySet":
        """An accompaniment is seen by its counsellors and by the managers of its centre; other
        counsellors of the centre do not see it (professional secrecy, L6313-4 al. 4)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(centre_id__in=managed_centre_ids(user))
            | (Q(centre_id__in=centre_ids_of(user)) & (Q(counsellor=user) | Q(co_counsellors=user)))
        ).distinct()

    def open(self) -> "AccompanimentQuerySet":
        return self.filter(state__in=list(OPEN_STATES))

    def followed_by(self, user) -> "AccompanimentQuerySet":
        return self.filter(Q(counsellor=user) | Q(co_counsellors=user)).distinct()


class Accompaniment(Versioned):
    """One case: a bilan de compétences (VAE and CEP will reuse the frame)."""

    PERSONAL_DATA = True

    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.BILAN)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="accompaniments", verbose_name="centre")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="accompaniments", verbose_name="bénéficiaire"
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="conseiller référent"
    )
    co_counsellors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="autres conseillers"
    )
    initiated_by = models.CharField("à l'initiative de", max_length=20, choices=Initiator.choices)
    funder = models.CharField("financeur", max_length=30, choices=Funder.choices)
    order_reference = models.CharField("référence de la commande", max_length=100, blank=True)
    price_eur = models.DecimalField("prix (€ TTC)", max_digits=8, decimal_places=2, null=True, blank=True)
    planned_hours = models.DecimalField("heures prévues", max_digits=4, decimal_places=1, default=Decimal("24"))
    planned_start = models.DateField("début prévu", null=True, blank=True)
    planned_end = models.DateField("fin prévue", null=True, blank=True)
    employment_area_code = models.CharField(
        "bassin d'emploi visé",
        max_length=10,
        blank=True,
        help_text="Bassin d'emploi (France Travail) où lire la tension des métiers envisagés.",
    )
    state = models.CharField("étape", max_length=20, choices=State.choices, default=State.REQUEST, editable=False)
    started_on = models.DateField("commencé le", null=True, blank=True, editable=False)
    ended_on = models.DateField("terminé le", null=True, blank=True, editable=False)
    abandon_reason = models.TextField("motif d'abandon", blank=True, editable=False)
    follow_up_on = models.DateField("entretien de suivi prévu le", null=True, blank=True)
    follow_up_done_on = models.DateField("entretien de suivi réalisé le", null=True, blank=True)
    follow_up_outcome = models.CharField(
        "situation au suivi", max_length=30, choices=FollowUpOutcome.choices, blank=True
    )
    retention_applied_at = models.DateTimeField("documents détruits le", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = AccompanimentQuerySet.as_manager()

    class Meta:
        verbose_name = "accompagnement"
        verbose_name_plural = "accompagnements"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="bilan") | Q(planned_hours__lte=24), name="bilan_planned_hours_at_most_24"
            ),
            models.CheckConstraint(condition=Q(planned_hours__gt=0), name="accompaniment_planned_hours_positive"),
            models.CheckConstraint(
                condition=Q(price_eur__isnull=True) | Q(price_eur__gte=0), name="accompaniment_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="accompaniment_planned_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        # « Bilan de compétences d’Aïcha Diallo », « … de Karim Benali »: the French elision of the typography layer.
        return f"{self.get_kind_display()} {formatting.de(self.beneficiary.full_name)}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def needs_tripartite_agreement(self) -> bool:
        return self.initiated_by == Initiator.EMPLOYER or self.funder in EMPLOYER_ROUTES


class CaseTransition(models.Model):
    """One move in the workflow: who, when, from, to, why. Written only by cases/workflow.py."""

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="transitions", verbose_name="accompagnement"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    at = models.DateTimeField("date", default=timezone.now)
    from_state = models.CharField("de", max_length=20, choices=State.choices)
    to_state = models.CharField("vers", max_length=20, choices=State.choices)
    reason = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "changement d'étape"
        verbose_name_plural = "changements d'étape"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class Session(models.Model):
    """An entretien. Its notes are working documents, destroyed at the end of the bilan (R6313-7).

    `duration_minutes` is the planned length; `held_minutes` the real one, recorded when the session is marked
    held. Hours réalisées count HELD sessions only; the 24-hour ceiling counts held + planned."""

    PERSONAL_DATA = True

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="sessions", verbose_name="accompagnement"
    )
    starts_at = models.DateTimeField("date et heure")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    mode = models.CharField("modalité", max_length=10, choices=SessionMode.choices, default=SessionMode.ON_SITE)
    phase = models.CharField("phase", max_length=20, choices=[(s.value, s.label) for s in PHASE_STATES])
    status = models.CharField(
        "statut", max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED, editable=False
    )
    held_minutes = models.PositiveSmallIntegerField("durée réelle (minutes)", null=True, blank=True, editable=False)
    cancelled_by = models.CharField("annulé", max_length=10, choices=CancelledBy.choices, blank=True, editable=False)
    status_reason = models.TextField("motif", blank=True, editable=False)
    status_changed_at = models.DateTimeField("statut changé le", null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="statut changé par",
        editable=False,
    )
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True, editable=False)
    shared_notes = models.TextField("notes partagées avec la personne", blank=True)
    private_notes = models.TextField("notes privées du conseiller", blank=True)
    version = models.PositiveIntegerField("version", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="saisi par"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "entretien"
        verbose_name_plural = "entretiens"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480), name="session_duration_plausible"
            ),
            models.CheckConstraint(
                condition=Q(held_minutes__isnull=True) | Q(held_minutes__gte=1, held_minutes__lte=480),
                name="session_held_minutes_plausible",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_minutes__isnull=False), name="session_held_has_real_duration"
            ),
            models.CheckConstraint(
                condition=Q(status="held") | Q(held_minutes__isnull=True), name="session_real_duration_only_if_held"
            ),
        ]

    def __str__(self) -> str:
        return f"entretien du {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.held_minutes or self.duration_minutes)

    @property
    def is_held(self) -> bool:
        return self.status == SessionStatus.HELD


class AttendanceQuerySet(CaseQuerySet):
    accompaniment_path = "session__accompaniment"

    def current(self) -> "AttendanceQuerySet":
        """Records not corrected by a later one."""
        return self.filter(corrected_by__isnull=True)


class Attendance(models.Model):
    """The proof that the person attended a held session (émargement). Immutable once made: a correction is a
    new record that cites the old one in `corrects`; the old one stays as it was."""

    PERSONAL_DATA = True

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="attendances", verbose_name="entretien"
    )
    method = models.CharField("mode de preuve", max_length=30, choices=AttendanceMethod.choices)
    # On site: the person's signature drawn on the counsellor's screen, as SVG markup.
    signature_svg = models.TextField("signature de la personne (SVG)", blank=True)
    counsellor_signature_svg = models.TextField("signature du conseiller (SVG)", blank=True)
    evidence = models.TextField(
        "preuve consignée", blank=True, help_text="À distance : journal de visioconférence, heure de connexion…"
    )
    signed_at = models.DateTimeField("signé le")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="confirmé par"
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name="corrige l'émargement",
    )
    correction_reason = models.TextField("motif de la correction", blank=True)
    created_at = models.DateTimeField("enregistré le", default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = "émargement"
        verbose_name_plural = "émargements"
        ordering = ["session__starts_at", "created_at", "id"]
        constraints = [
            # One original record per session; any other one must correct an earlier record.
            models.UniqueConstraint(
                fields=["session"], condition=Q(corrects__isnull=True), name="attendance_one_original_per_session"
            ),
            models.CheckConstraint(
                condition=~Q(method="on_site_signature") | ~Q(signature_svg=""),
                name="attendance_on_site_has_signature",
            ),
            models.CheckConstraint(
                condition=~Q(method="counsellor_evidence") | ~Q(evidence=""),
                name="attendance_evidence_is_described",
            ),
        ]

    def __str__(self) -> str:
        return f"émargement du {timezone.localtime(self.signed_at):%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        # Immutable: a record is written once. Corrections are new rows (see `corrects`).
        if self.pk is not None and not kwargs.pop("_allow_rewrite", False):
            raise ValueError("Un émargement ne se modifie pas : enregistrez une correction.")
        super().save(*args, **kwargs)


class AttendanceCodeQuerySet(CaseQuerySet):
    accompaniment_path = "session__accompaniment"


class AttendanceCode(models.Model):
    """A one-time code e-mailed to the person to confirm attendance of a remote session. Only its hash is kept."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance_codes", verbose_name="entretien"
    )
    digest = models.CharField("empreinte du code", max_length=64)
    sent_to = models.EmailField("envoyé à")
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    objects = AttendanceCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "code d'émargement"
        verbose_name_plural = "codes d'émargement"
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"code envoyé le {timezone.localtime(self.sent_at):%d/%m/%Y %H:%M}"


class CaseTaskQuerySet(CaseQuerySet):
    def open(self) -> "CaseTaskQuerySet":
        return self.filter(done_at__isnull=True)


class CaseTask(models.Model):
    """Something a counsellor must do for a case, created by the platform (e.g. call back after a no-show:
    Qualiopi indicator 12 expects dropout prevention)."""

    PERSONAL_DATA = True

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="tasks", verbose_name="accompagnement"
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name="entretien"
    )
    kind = models.CharField("type", max_length=30, choices=CaseTaskKind.choices)
    due_on = models.DateField("à faire pour le")
    done_at = models.DateTimeField("fait le", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fait par",
    )
    outcome = models.TextField("suite donnée", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = CaseTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "tâche de suivi"
        verbose_name_plural = "tâches de suivi"
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "kind"], name="case_task_once_per_session_and_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Consent(Versioned):
    """A typed, dated, withdrawable consent of the beneficiary. Every change is audited."""

    PERSONAL_DATA = True

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="consents", verbose_name="accompagnement"
    )
    kind = models.CharField("type", max_length=30, choices=ConsentKind.choices)
    third_party = models.CharField(
        "destinataire nommé", max_length=200, blank=True, help_text="Pour la communication de la synthèse à un tiers."
    )
    sent_on = models.DateField(
        "envoyée le", null=True, blank=True, help_text="Convention tripartite : date d'envoi du projet au salarié."
    )
    given_on = models.DateField("donné le", null=True, blank=True)
    keep_until = models.DateField(
        "conservation jusqu'au", null=True, blank=True, help_text="3 ans au plus après la fin du bilan (R6313-7)."
    )
    withdrawn_on = models.DateField("retiré le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="enregistré par"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "consentement"
        verbose_name_plural = "consentements"
        ordering = ["kind", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="synthesis_sharing") | ~Q(third_party=""), name="sharing_consent_names_a_party"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(given_on__isnull=False),
                name="consent_withdrawn_only_if_given",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def is_active_on(self, day) -> bool:
        if self.given_on is None or self.given_on > day:
            return False
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return not (self.keep_until is not None and self.keep_until < day)


class Synthesis(models.Model):
    """The document de synthèse: it belongs to the person (L6313-4 al. 3). Optimistic locking by `version`."""

    PERSONAL_DATA = True

    accompaniment = models.OneToOneField(
        Accompaniment, on_delete=models.PROTECT, related_name="synthesis", verbose_name="accompagnement"
    )
    circumstances = models.TextField("circonstances du bilan", blank=True)
    skills = models.TextField("compétences et aptitudes au regard du projet", blank=True)
    projects = models.TextField("projet(s), facteurs favorables et défavorables", blank=True)
    steps = models.TextField("étapes de mise en œuvre", blank=True)
    version = models.PositiveIntegerField("version", default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="modifié par"
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    validated_version = models.PositiveIntegerField("version validée", null=True, blank=True, editable=False)
    validated_on = models.DateField("validée par la personne le", null=True, blank=True, editable=False)
    destroyed_at = models.DateTimeField("détruite le", null=True, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    SECTIONS = ("circumstances", "skills", "projects", "steps")

    class Meta:
        verbose_name = "document de synthèse"
        verbose_name_plural = "documents de synthèse"

    def __str__(self) -> str:
        return f"synthèse v{self.version}"

    @property
    def is_validated(self) -> bool:
        return self.validated_version == self.version


class SynthesisVersionQuerySet(CaseQuerySet):
    accompaniment_path = "synthesis__accompaniment"


class SynthesisVersion(models.Model):
    """Each saved version of the synthesis, for the history; working documents destroyed at the end."""

    PERSONAL_DATA = True

    synthesis = models.ForeignKey(
        Synthesis, on_delete=models.CASCADE, related_name="versions", verbose_name="document de synthèse"
    )
    number = models.PositiveIntegerField("numéro")
    circumstances = models.TextField("circonstances du bilan", blank=True)
    skills = models.TextField("compétences et aptitudes au regard du projet", blank=True)
    projects = models.TextField("projet(s), facteurs favorables et défavorables", blank=True)
    steps = models.TextField("étapes de mise en œuvre", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)

    objects = SynthesisVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "version du document de synthèse"
        verbose_name_plural = "versions du document de synthèse"
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["synthesis", "number"], name="synthesis_version_unique")]

    def __str__(self) -> str:
        return f"version {self.number}"


class DestructionRecord(models.Model):
    """Proof that working documents were destroyed (what and how many — never the content)."""

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="destructions", verbose_name="accompagnement"
    )
    at = models.DateTimeField("date", default=timezone.now)
    rule = models.CharField("règle appliquée", max_length=200)
    counts = models.JSONField("éléments détruits", default=dict)

    class Meta:
        verbose_name = "destruction de documents"
        verbose_name_plural = "destructions de documents"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"destruction du {self.at:%d/%m/%Y}"


class Experience(Versioned):
    """A past experience told by the person: a working document of the bilan."""

    PERSONAL_DATA = True

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="experiences", verbose_name="accompagnement"
    )
    job_title_code = models.CharField("code de l'appellation ROME", max_length=10, blank=True)
    job_title = models.CharField("intitulé du poste", max_length=200)
    employer_type = models.CharField("type d'employeur", max_length=20, choices=EmployerType.choices)
    started_on = models.DateField("début", null=True, blank=True)
    ended_on = models.DateField("fin", null=True, blank=True)
    description = models.TextField(
        "récit de l'expérience", blank=True, help_text="Ce que la personne faisait, avec ses mots."
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "expérience"
        verbose_name_plural = "expériences"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="experience_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.job_title


class ProfileSkill(models.Model):
    """A ROME skill in the person's profile, with where it comes from. Extracted suggestions wait for
    the counsellor's decision; a rejected one is kept so it is not suggested again."""

    PERSONAL_DATA = True

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="skills", verbose_name="accompagnement"
    )
    code_ogr = models.CharField("code OGR", max_length=12)
    label = models.CharField("libellé", max_length=300)
    provenance = models.CharField("origine", max_length=20, choices=SkillProvenance.choices)
    status = models.CharField(
        "décision", max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.ACCEPTED
    )
    evidence = models.CharField("mots qui l'ont fait proposer", max_length=300, blank=True)
    experience = models.ForeignKey(
        Experience, on_delete=models.SET_NULL, null=True, blank=True, related_name="skills", verbose_name="expérience"
    )
    removal_reason = models.TextField("motif du retrait", blank=True)
    removed_at = models.DateTimeField("retirée le", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="retirée par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "compétence du profil"
        verbose_name_plural = "compétences du profil"
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["accompaniment", "code_ogr"], name="profile_skill_once_per_case")
        ]

    def __str__(self) -> str:
        return self.label


class Piste(models.Model):
    """A transition suggestion kept in the case with its explanation and the counsellor's decision."""

    PERSONAL_DATA = True

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="pistes", verbose_name="accompagnement"
    )
    code_rome = models.CharField("code ROME", max_length=5)
    label = models.CharField("métier", max_length=300)
    score = models.FloatField("score", default=0)
    explanation = models.TextField("explication", blank=True)
    shared_skills = models.JSONField("compétences partagées", default=list, blank=True)
    missing_skills = models.JSONField("compétences à acquérir", default=list, blank=True)
    is_mobility = models.BooleanField("mobilité repérée par les experts du ROME", default=False)
    tension = models.JSONField("tension du marché du travail", default=dict, blank=True)
    decision = models.CharField(
        "décision", max_length=20, choices=PisteDecision.choices, default=PisteDecision.PENDING
    )
    decision_reason = models.TextField("motif de la décision", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "piste"
        verbose_name_plural = "pistes"
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["accompaniment", "code_rome"], name="piste_once_per_case")]

    def __str__(self) -> str:
        return f"{self.code_rome} {self.label}"


class ActionStep(Versioned):
    """One step of the action plan."""

    PERSONAL_DATA = True

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.PROTECT, related_name="action_steps", verbose_name="accompagnement"
    )
    piste = models.ForeignKey(
        Piste, on_delete=models.SET_NULL, null=True, blank=True, related_name="steps", verbose_name="piste"
    )
    kind = models.CharField("type d'étape", max_length=30, choices=StepKind.choices)
    description = models.CharField("description", max_length=300)
    target_date = models.DateField("échéance visée", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "étape du plan d'action"
        verbose_name_plural = "étapes du plan d'action"
        ordering = ["target_date", "id"]

    def __str__(self) -> str:
        return self.description
