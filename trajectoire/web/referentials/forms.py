from django import forms

from trajectoire.referentials.models import EmploymentArea, JobTitle, Skill
from trajectoire.referentials.search import MAX_QUERY_LENGTH
from trajectoire.web.forms import BootstrapMixin, QuickSelect


class ReferentialSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="Métier, appellation ou compétence", max_length=MAX_QUERY_LENGTH, required=False)


class AreaForm(BootstrapMixin, forms.Form):
    bassin = forms.ModelChoiceField(
        label="Bassin d'emploi",
        queryset=EmploymentArea.objects.active(),
        to_field_name="code",
        required=False,
        empty_label="Choisissez un bassin d'emploi",
        widget=QuickSelect,  # about 400 options
    )


class JobTitleField(forms.ModelChoiceField):
    """A job title chosen with the autocomplete component (`referentials/components/autocomplete.html`,
    source « appellations »): the form receives its OGR code in a hidden input."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Appellation (métier)")
        super().__init__(
            queryset=JobTitle.objects.active().select_related("occupation"), to_field_name="ogr_code", **kwargs
        )


class SkillField(forms.ModelChoiceField):
    """A skill chosen with the autocomplete component (source « competences »)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Compétence")
        super().__init__(queryset=Skill.objects.active(), to_field_name="ogr_code", **kwargs)
