from django import forms

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import User
from trajectoire.web.forms import BootstrapMixin


class AuditFilterForm(BootstrapMixin, forms.Form):
    person = forms.CharField(
        label="Personne concernée",
        required=False,
        max_length=100,
        help_text="Nom, prénom ou n° de dossier d'un bénéficiaire du centre.",
    )
    actor = forms.ModelChoiceField(label="Auteur", queryset=User.objects.none(), required=False, empty_label="Tous")
    action = forms.ChoiceField(label="Action", choices=[("", "Toutes"), *AuditAction.choices], required=False)
    object_type = forms.ChoiceField(label="Type d'objet", required=False)
    security = forms.BooleanField(label="Événements de sécurité seulement", required=False)
    since = forms.DateField(label="Depuis le", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="Jusqu'au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, centre, object_types: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = User.objects.filter(memberships__centre=centre).order_by("last_name")
        self.fields["object_type"].choices = [("", "Tous"), *object_types]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            raise forms.ValidationError("La date de début doit précéder la date de fin.")
        return cleaned
