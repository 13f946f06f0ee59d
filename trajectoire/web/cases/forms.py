from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone

from trajectoire import formatting
from trajectoire.accounts.models import Centre, User
from trajectoire.cases.dates import add_years
from trajectoire.cases.enums import (
    PHASE_STATES,
    CancelledBy,
    ConsentKind,
    FollowUpOutcome,
    Funder,
    PisteDecision,
    SessionStatus,
    State,
)
from trajectoire.cases.models import Accompaniment, ActionStep, Consent, Experience, Session, Synthesis
from trajectoire.cases.profile import (
    ACTION_STEP_DESCRIPTION_MAX_LENGTH,
    EXPERIENCE_ACCOUNT_MAX_LENGTH,
    EXPERIENCE_EARLIEST,
    JOB_TITLE_MAX_LENGTH,
    REMOVAL_REASON_MAX_LENGTH,
    experience_value_errors,
    too_long_message,
)
from trajectoire.referentials.models import EmploymentArea, JobTitle
from trajectoire.web.forms import BootstrapMixin
from trajectoire.web.referentials.forms import SkillField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _centre_staff(centre: Centre):
    return User.objects.filter(memberships__centre=centre, memberships__is_active=True, is_active=True).order_by(
        "last_name", "first_name"
    )


class AccompanimentForm(BootstrapMixin, forms.ModelForm):
    # The version the form was opened on: a save from an outdated form is refused (trajectoire/locking.py).
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Accompaniment
        fields = [
            "kind",
            "counsellor",
            "co_counsellors",
            "initiated_by",
            "funder",
            "order_reference",
            "price_eur",
            "planned_hours",
            "planned_start",
            "planned_end",
        ]
        widgets = {"planned_start": DATE, "planned_end": DATE, "co_counsellors": forms.CheckboxSelectMultiple}
        help_texts = {
            "planned_hours": "24 heures au plus pour un bilan de compétences (C. trav. L6313-4).",
            "initiated_by": "À l'initiative de l'employeur, une convention tripartite est obligatoire (R6313-8).",
        }

    def __init__(self, *args, centre: Centre, **kwargs):
        super().__init__(*args, **kwargs)
        staff = _centre_staff(centre)
        self.fields["counsellor"].queryset = staff
        self.fields["co_counsellors"].queryset = staff
        self.fields["co_counsellors"].widget.attrs["class"] = ""
        self.fields["kind"].disabled = True  # VAE and CEP journeys come later
        self.fields["kind"].initial = "bilan"
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "La fin prévue doit suivre le début prévu.")
        hours = cleaned.get("planned_hours")
        if hours is not None and hours > 24:
            self.add_error("planned_hours", "Un bilan de compétences dure 24 heures au plus (C. trav. L6313-4).")
        if hours is not None and hours <= 0:
            self.add_error("planned_hours", "Indiquez un nombre d'heures positif.")
        return cleaned


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="Motif ou commentaire", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


# Notes of a session: generous for a working note, small enough to stay a note (a long document is
# uploaded, not pasted). The page shows a live counter (static/js/char-counter.js); the form refuses beyond.
NOTES_MAX_LENGTH = 20_000

# A session is dated within these years whatever the case; within a case, see `session_date_bounds`.
SESSION_YEARS = (2000, 2100)


def session_date_bounds(accompaniment: Accompaniment) -> tuple[date, date]:
    """The days a session of this case may plausibly fall on: from one year before the case was created (or
    its planned start, if earlier: a case entered after the fact) to one year after its planned end (or after
    its creation when no end is planned). Anything outside is a typing slip (« 9999 », « 2062 » for 2026)."""
    created = timezone.localdate(accompaniment.created_at) if accompaniment.created_at else timezone.localdate()
    starts = [d for d in (created, accompaniment.planned_start) if d]
    ends = [d for d in (created, accompaniment.planned_start, accompaniment.planned_end) if d]
    earliest = max(add_years(min(starts), -1), date(SESSION_YEARS[0], 1, 1))
    latest = min(add_years(max(ends), 1), date(SESSION_YEARS[1], 12, 31))
    return earliest, latest


class SessionForm(BootstrapMixin, forms.ModelForm):
    """Plans or edits a session. Once held, its planned duration is fixed (the real one is what counts) and it
    cannot move to the future; cancelled and missed sessions are not edited at all (the view shows them)."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Session
        fields = ["starts_at", "duration_minutes", "mode", "phase", "shared_notes", "private_notes"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "duration_minutes": forms.NumberInput(attrs={"step": 15, "min": 15, "max": 480}),
            "shared_notes": forms.Textarea(attrs={"rows": 5}),
            "private_notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "duration_minutes": "Entre 15 minutes et 8 heures.",
            "shared_notes": "Ce qui a été dit et convenu : la personne peut le lire. 20 000 caractères au plus.",
            "private_notes": "Vos notes de travail : lues par les seuls conseillers du bilan, détruites à la fin. "
            "20 000 caractères au plus.",
        }
        error_messages = {
            "starts_at": {
                "required": "Indiquez la date et l'heure de l'entretien.",
                "invalid": "Indiquez une date et une heure valides, par exemple 12/03/2026 14:00.",
            },
            "duration_minutes": {
                "required": "Indiquez la durée prévue, en minutes (entre 15 et 480).",
                "invalid": "Indiquez la durée en minutes, par un nombre entier (par exemple 90).",
            },
        }

    def __init__(self, *args, accompaniment: Accompaniment, show_private: bool = True, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.accompaniment = accompaniment
        self.now = now or timezone.now()
        self.earliest, self.latest = session_date_bounds(accompaniment)
        self.fields["starts_at"].widget.attrs.update(
            {"min": f"{self.earliest:%Y-%m-%d}T00:00", "max": f"{self.latest:%Y-%m-%d}T23:59"}
        )
        self.fields["phase"].choices = [(s.value, s.label) for s in PHASE_STATES]
        if not kwargs.get("instance") and accompaniment.state in {s.value for s in PHASE_STATES}:
            self.fields["phase"].initial = accompaniment.state
        if not show_private:
            del self.fields["private_notes"]
        for name in ("shared_notes", "private_notes"):
            if name in self.fields:
                # No `maxlength` attribute: browsers silently cut a longer paste; the counter warns instead.
                self.fields[name].widget.attrs.update(
                    {"data-char-counter": "", "data-char-counter-max": str(NOTES_MAX_LENGTH)}
                )
        if self.is_held:
            field = self.fields["duration_minutes"]
            field.disabled = True
            field.help_text = (
                f"Entretien réalisé : sa durée réelle ({formatting.duration(self.instance.held_minutes)}) est celle "
                "qui compte ; la durée prévue ne se modifie plus."
            )

    @property
    def is_held(self) -> bool:
        return bool(self.instance.pk) and self.instance.status == SessionStatus.HELD

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        day = timezone.localdate(starts_at)
        first_year, last_year = SESSION_YEARS
        if not first_year <= day.year <= last_year:
            raise ValidationError(
                f"Vérifiez l'année : {day.year} n'est pas plausible pour un entretien "
                f"(entre {first_year} et {last_year})."
            )
        if day < self.earliest:
            raise ValidationError(
                f"Le {day:%d/%m/%Y} précède de plus d'un an l'ouverture du bilan : vérifiez la date "
                f"(pas avant le {self.earliest:%d/%m/%Y})."
            )
        if day > self.latest:
            raise ValidationError(
                f"Le {day:%d/%m/%Y} tombe plus d'un an après la fin prévue du bilan : vérifiez la date "
                f"(pas après le {self.latest:%d/%m/%Y})."
            )
        if self.is_held and starts_at > self.now:
            raise ValidationError("Cet entretien est marqué réalisé : sa date ne peut pas être dans le futur.")
        return starts_at

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 15 <= minutes <= 480:
            raise ValidationError(
                f"Un entretien dure entre 15 minutes et 8 heures (480 minutes) : {minutes} n'est pas possible."
            )
        return minutes

    def _clean_notes(self, name: str) -> str:
        text = self.cleaned_data.get(name, "")
        if len(text) > NOTES_MAX_LENGTH:
            raise ValidationError(
                f"Ces notes comptent {formatting.number(len(text))} caractères, pour "
                f"{formatting.number(NOTES_MAX_LENGTH)} au plus : raccourcissez-les de "
                f"{formatting.number(len(text) - NOTES_MAX_LENGTH)} caractères."
            )
        return text

    def clean_shared_notes(self):
        return self._clean_notes("shared_notes")

    def clean_private_notes(self):
        return self._clean_notes("private_notes")


class SessionHeldForm(BootstrapMixin, forms.Form):
    held_minutes = forms.IntegerField(
        label="Durée réelle (minutes)",
        min_value=1,
        max_value=480,
        widget=forms.NumberInput(attrs={"step": 1}),
        error_messages={
            "required": "Indiquez la durée réelle de l'entretien, en minutes.",
            "invalid": "Indiquez la durée réelle en minutes, par un nombre entier.",
            "min_value": "Indiquez la durée réelle de l'entretien, entre 1 minute et 8 heures.",
            "max_value": "Indiquez la durée réelle de l'entretien, entre 1 minute et 8 heures.",
        },
    )


class SessionCancelForm(BootstrapMixin, forms.Form):
    cancelled_by = forms.ChoiceField(
        label="Annulé",
        choices=CancelledBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez qui annule l'entretien : la personne ou le centre."},
    )
    status_reason = forms.CharField(
        label="Motif de l'annulation",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cancelled_by"].widget.attrs["class"] = "form-check-input"


class SessionMissedForm(BootstrapMixin, forms.Form):
    status_reason = forms.CharField(
        label="Précision (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CaseTaskDoneForm(BootstrapMixin, forms.Form):
    outcome = forms.CharField(
        label="Suite donnée",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Indiquez la suite donnée (appel, message, nouveau rendez-vous…)."},
    )


class ConsentForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["kind", "third_party", "sent_on", "given_on", "keep_until"]
        widgets = {"sent_on": DATE, "given_on": DATE, "keep_until": DATE}
        help_texts = {
            "given_on": "Laissez vide tant que l'accord n'est pas signé (convention envoyée, en attente).",
        }


class SignForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label="Date", widget=DATE, error_messages={"required": "Indiquez une date valide."})
    # The consent's version when the page was shown: a second person's action in between is not overwritten.
    base_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "La page était incomplète : rechargez-la, puis recommencez."},
    )


class SynthesisForm(BootstrapMixin, forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Synthesis
        fields = list(Synthesis.SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in Synthesis.SECTIONS}


class ValidateSynthesisForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label="Date de la validation par la personne", widget=DATE)
    confirm = forms.BooleanField(
        label="La personne a relu cette version et l'approuve.",
        error_messages={"required": "Cochez la case : la validation revient à la personne."},
    )


class FollowUpForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(label="Date de l'entretien de suivi", widget=DATE)
    outcome = forms.ChoiceField(label="Situation de la personne", choices=FollowUpOutcome.choices)


class ExperienceForm(BootstrapMixin, forms.ModelForm):
    """Creates or edits an experience. The limits are those of the services (trajectoire/cases/profile.py): an
    account as long as the engine reads, a plausible period; `today` is passed by the view."""

    # The version the edit form was opened on (unused on creation): trajectoire/locking.py.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Experience
        fields = ["job_title", "job_title_code", "employer_type", "started_on", "ended_on", "description"]
        widgets = {
            "started_on": DATE,
            "ended_on": DATE,
            "job_title_code": forms.HiddenInput,
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "employer_type": {"required": "Choisissez le type d'employeur."},
            "started_on": {"invalid": "Indiquez une date valide, par exemple 01/09/2015."},
            "ended_on": {"invalid": "Indiquez une date valide, par exemple 31/12/2025."},
        }

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        title = self.fields["job_title"]
        title.required = False
        title.label = "Intitulé du poste tel que la personne le dit"
        title.help_text = (
            f"Facultatif si vous avez choisi une appellation du référentiel. "
            f"{formatting.number(JOB_TITLE_MAX_LENGTH)} caractères au plus."
        )
        # The length is checked in clean_job_title with a French count; the browser's maxlength stays.
        title.validators = [v for v in title.validators if not isinstance(v, MaxLengthValidator)]
        account = self.fields["description"]
        account.help_text = (
            f"Ce que la personne faisait, avec ses mots. {formatting.number(EXPERIENCE_ACCOUNT_MAX_LENGTH)} "
            "caractères au plus : c'est ce que l'analyse lit."
        )
        # No `maxlength` attribute: browsers silently cut a longer paste; the counter warns instead.
        account.widget.attrs.update(
            {"data-char-counter": "", "data-char-counter-max": str(EXPERIENCE_ACCOUNT_MAX_LENGTH)}
        )
        for name in ("started_on", "ended_on"):
            self.fields[name].widget.attrs.update(
                {"min": f"{EXPERIENCE_EARLIEST:%Y-%m-%d}", "max": f"{self.today:%Y-%m-%d}"}
            )
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version

    def clean_job_title(self):
        title = (self.cleaned_data.get("job_title") or "").strip()
        if len(title) > JOB_TITLE_MAX_LENGTH:
            raise ValidationError(
                too_long_message("L'intitulé du poste", limit=JOB_TITLE_MAX_LENGTH, count=len(title))
            )
        return title

    def clean_description(self):
        account = self.cleaned_data.get("description") or ""
        if len(account) > EXPERIENCE_ACCOUNT_MAX_LENGTH:
            raise ValidationError(
                too_long_message("Le récit", limit=EXPERIENCE_ACCOUNT_MAX_LENGTH, count=len(account))
            )
        return account

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("job_title_code") or "").strip()
        job_title = JobTitle.objects.filter(ogr_code=int(code)).first() if code.isdigit() else None
        if code and job_title is None:
            self.add_error(
                "job_title", "Cette appellation n'existe pas dans le référentiel : choisissez-la dans la liste."
            )
        previous = self.instance.job_title_code if self.instance.pk else ""
        if job_title is not None and code != previous and cleaned.get("job_title"):
            # A new appellation chosen on the edit page: a title that was the old appellation's label follows it.
            old = JobTitle.objects.filter(ogr_code=int(previous)).first() if previous.isdigit() else None
            if old is not None and cleaned["job_title"] == old.label:
                cleaned["job_title"] = job_title.label
        if not cleaned.get("job_title") and "job_title" not in self.errors:
            if job_title is None:
                self.add_error("job_title", "Indiquez le poste occupé (ou choisissez une appellation du référentiel).")
            else:
                cleaned["job_title"] = job_title.label
        dates = {name: cleaned.get(name) for name in ("started_on", "ended_on") if name not in self.errors}
        for name, message in experience_value_errors(dates, today=self.today).items():
            if name in ("started_on", "ended_on"):
                self.add_error(name, message)
        return cleaned


class ExperienceDeleteForm(BootstrapMixin, forms.Form):
    """What becomes of the skills an experience produced when it is deleted."""

    KEEP, REMOVE = "keep", "remove"
    skills = forms.ChoiceField(
        label="Les compétences issues de cette expérience",
        choices=[
            (KEEP, "Les garder dans le profil (elles ne sont plus rattachées à l'expérience ; leur origine reste)"),
            (REMOVE, "Les retirer du profil, avec le motif « expérience supprimée » (on peut les y remettre)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez ce que deviennent les compétences issues de cette expérience."},
    )
    base_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "La page était incomplète : rechargez-la, puis recommencez."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].widget.attrs["class"] = "form-check-input"


class SkillRemoveForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="Pourquoi la retirer du profil",
        max_length=REMOVAL_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Dites pourquoi la compétence quitte le profil : ce motif reste dans l'historique.",
            "max_length": f"Le motif tient en {formatting.number(REMOVAL_REASON_MAX_LENGTH)} caractères au plus.",
        },
    )


class PisteDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Décision", choices=[c for c in PisteDecision.choices if c[0] != PisteDecision.PENDING]
    )
    reason = forms.CharField(
        label="Pourquoi",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Dites pourquoi : ce motif nourrit la synthèse."},
    )


class ActionStepForm(BootstrapMixin, forms.ModelForm):
    """Adds or edits a step of the action plan (edit: with the version it was opened on)."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ActionStep
        fields = ["kind", "description", "target_date", "piste"]
        widgets = {"target_date": DATE, "description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "kind": {"required": "Choisissez le type d'étape."},
            "description": {"required": "Décrivez l'étape en une phrase."},
            "target_date": {"invalid": "Indiquez une date valide, par exemple 15/09/2026."},
        }

    def __init__(self, *args, accompaniment: Accompaniment, **kwargs):
        super().__init__(*args, **kwargs)
        pistes = accompaniment.pistes.filter(decision=PisteDecision.RETAINED)
        if self.instance.pk and self.instance.piste_id:
            # A step keeps the piste it hangs off even if that piste was reconsidered since.
            pistes = accompaniment.pistes.filter(Q(decision=PisteDecision.RETAINED) | Q(pk=self.instance.piste_id))
        self.fields["piste"].queryset = pistes
        self.fields["piste"].empty_label = "— aucune —"
        description = self.fields["description"]
        description.validators = [v for v in description.validators if not isinstance(v, MaxLengthValidator)]
        description.help_text = f"{formatting.number(ACTION_STEP_DESCRIPTION_MAX_LENGTH)} caractères au plus."
        description.widget.attrs.pop("maxlength", None)
        description.widget.attrs.update(
            {"data-char-counter": "", "data-char-counter-max": str(ACTION_STEP_DESCRIPTION_MAX_LENGTH)}
        )
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version

    def clean_description(self):
        description = (self.cleaned_data.get("description") or "").strip()
        if len(description) > ACTION_STEP_DESCRIPTION_MAX_LENGTH:
            raise ValidationError(
                too_long_message("La description", limit=ACTION_STEP_DESCRIPTION_MAX_LENGTH, count=len(description))
            )
        return description


class CaseFilterForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(label="Étape", required=False)
    counsellor = forms.ModelChoiceField(
        label="Conseiller", queryset=User.objects.none(), required=False, empty_label="Tous"
    )
    funder = forms.ChoiceField(label="Financeur", required=False)
    q = forms.CharField(label="Bénéficiaire", required=False, max_length=100)

    def __init__(self, *args, centre: Centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Toutes"), *State.choices]
        self.fields["funder"].choices = [("", "Tous"), *Funder.choices]
        self.fields["counsellor"].queryset = _centre_staff(centre)


CONSENT_HELP = {
    ConsentKind.BILAN_AGREEMENT: "Obligatoire avant la phase préliminaire (C. trav. L6313-4).",
    ConsentKind.TRIPARTITE: "Bilan à l'initiative de l'employeur : signée dans les 10 jours de son envoi (R6313-8).",
    ConsentKind.SYNTHESIS_SHARING: "La synthèse n'est communiquée qu'au destinataire nommé (L6313-4).",
    ConsentKind.DOCUMENT_KEEPING: "Conservation après la fin, pour le suivi : 3 ans au plus (R6313-7).",
    ConsentKind.DATA_PROCESSING: "Information et accord sur le traitement des données de l'accompagnement.",
}


class DeclareSkillForm(forms.Form):
    skill = SkillField(label="Compétence déclarée par la personne")


class AreaForm(BootstrapMixin, forms.Form):
    area = forms.ModelChoiceField(
        label="Bassin d'emploi de la personne",
        queryset=EmploymentArea.objects.none(),
        required=False,
        empty_label="— choisir —",
        help_text="Pour afficher la tension de recrutement (données 2021) des métiers proposés.",
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas.order_by("label")
        self.fields["area"].to_field_name = "code"
