from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from trajectoire.accounts.models import Centre, User
from trajectoire.cases.models import Beneficiary
from trajectoire.cases.validators import normalise_phone
from trajectoire.web.forms import BootstrapMixin

# An accompaniment concerns working-age adults; outside this range the year is almost surely a typo.
MIN_AGE = 16
MAX_AGE = 90


class BeneficiaryForm(BootstrapMixin, forms.ModelForm):
    # The version the form was opened on: a save from an outdated form is refused (trajectoire/locking.py).
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Beneficiary
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "birth_year",
            "postal_code",
            "employment_status",
            "counsellor",
        ]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "placeholder": "06 12 34 56 78"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "31000"}),
            "birth_year": forms.NumberInput(attrs={"placeholder": "1985"}),
        }
        help_texts = {
            "email": "Facultative. Une même adresse ne peut servir qu'à un seul dossier dans le centre.",
            "birth_year": "L'année suffit : la date complète n'est pas nécessaire à l'accompagnement.",
        }

    def __init__(self, *args, centre: Centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version
        self.fields["counsellor"].queryset = User.objects.filter(
            memberships__centre=centre, memberships__is_active=True, is_active=True
        ).order_by("last_name", "first_name")
        self.fields["counsellor"].empty_label = "— non attribué —"

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_phone(phone) if phone else ""

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        if year is None:
            return year
        this_year = timezone.localdate().year
        if not this_year - MAX_AGE <= year <= this_year - MIN_AGE:
            raise ValidationError(
                f"Saisissez une année de naissance entre {this_year - MAX_AGE} et {this_year - MIN_AGE}.",
                code="birth_year_range",
            )
        return year

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if not email:
            return email
        duplicates = Beneficiary.objects.filter(centre=self.centre, email__iexact=email)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        existing = duplicates.first()
        if existing is not None:
            raise ValidationError(
                format_html(
                    'Cette adresse est déjà celle d\'un dossier du centre : <a href="{}">voir le dossier de {}</a>.',
                    reverse("web:beneficiary_detail", args=[existing.pk]),
                    existing.full_name,
                ),
                code="duplicate_email",
            )
        return email


class BeneficiarySearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=100)
    mine = forms.BooleanField(label="Mes bénéficiaires seulement", required=False)
