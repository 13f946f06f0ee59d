from django import forms
from django.core.exceptions import ValidationError

from trajectoire.accounts.models import Centre, User
from trajectoire.cases.enums import PHASE_STATES, ConsentKind, FollowUpOutcome, Funder, PisteDecision, State
from trajectoire.cases.models import Accompaniment, ActionStep, Consent, Experience, Session, Synthesis
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


class SessionForm(BootstrapMixin, forms.ModelForm):
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
            "shared_notes": "Ce qui a été dit et convenu : la personne peut le lire.",
            "private_notes": "Vos notes de travail : lues par les seuls conseillers du bilan, détruites à la fin.",
        }

    def __init__(self, *args, accompaniment: Accompaniment, show_private: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [(s.value, s.label) for s in PHASE_STATES]
        if not kwargs.get("instance") and accompaniment.state in {s.value for s in PHASE_STATES}:
            self.fields["phase"].initial = accompaniment.state
        if not show_private:
            del self.fields["private_notes"]

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 15 <= minutes <= 480:
            raise ValidationError("Un entretien dure entre 15 minutes et 8 heures.")
        return minutes


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
    class Meta:
        model = Experience
        fields = ["job_title", "job_title_code", "employer_type", "started_on", "ended_on", "description"]
        widgets = {
            "started_on": DATE,
            "ended_on": DATE,
            "job_title_code": forms.HiddenInput,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_title"].required = False
        self.fields["job_title"].label = "Intitulé du poste tel que la personne le dit"
        self.fields["job_title"].help_text = "Facultatif si vous avez choisi une appellation du référentiel."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "La fin doit suivre le début.")
        code = (cleaned.get("job_title_code") or "").strip()
        job_title = JobTitle.objects.filter(ogr_code=int(code)).first() if code.isdigit() else None
        if code and job_title is None:
            self.add_error(
                "job_title", "Cette appellation n'existe pas dans le référentiel : choisissez-la dans la liste."
            )
        if not cleaned.get("job_title"):
            if job_title is None:
                self.add_error("job_title", "Indiquez le poste occupé (ou choisissez une appellation du référentiel).")
            else:
                cleaned["job_title"] = job_title.label
        return cleaned


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
    class Meta:
        model = ActionStep
        fields = ["kind", "description", "target_date", "piste"]
        widgets = {"target_date": DATE}

    def __init__(self, *args, accompaniment: Accompaniment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["piste"].queryset = accompaniment.pistes.filter(decision=PisteDecision.RETAINED)
        self.fields["piste"].empty_label = "— aucune —"


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
