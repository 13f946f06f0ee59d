"""The « Pistes de financement » form: one optional field per fact of the engine's vocabulary, asked in French."""

from datetime import date

from django import forms

from trajectoire.schemes import Catalogue, FactDefinition
from trajectoire.web.forms import BootstrapMixin

UNKNOWN = ("", "Je ne sais pas encore")
YES_NO = [UNKNOWN, ("oui", "Oui"), ("non", "Non")]


def _to_bool(value: str) -> bool:
    return value == "oui"


class FrenchFloatField(forms.FloatField):
    """Accepts « 0,5 » as well as « 0.5 »."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


def fact_field(definition: FactDefinition) -> forms.Field:
    common = {"label": definition.question, "help_text": definition.help, "required": False}
    bounds = {"min_value": definition.minimum, "max_value": definition.maximum}
    if definition.type == "bool":
        return forms.TypedChoiceField(choices=YES_NO, coerce=_to_bool, empty_value=None, **common)
    if definition.type == "enum":
        choices = [UNKNOWN, *((v, definition.value_labels.get(v, v)) for v in definition.values)]
        return forms.ChoiceField(choices=choices, **common)
    if definition.type == "integer":
        return forms.IntegerField(**bounds, **common)
    if definition.type == "number":
        return FrenchFloatField(widget=forms.NumberInput(attrs={"step": "any"}), **bounds, **common)
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)


class FundingForm(BootstrapMixin, forms.Form):
    """Evaluation date, then every askable fact (all optional: empty = unknown). The view shows only the fields
    the case settles, the answers given, and the facts the engine still misses."""

    on = forms.DateField(
        label="Date d'évaluation",
        help_text="Les règles en vigueur à cette date s'appliquent. Par défaut : le début prévu de l'accompagnement.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date à laquelle évaluer les dispositifs."},
    )
    health_consent = forms.BooleanField(
        label="La personne a donné son consentement explicite à l'enregistrement de ses réponses touchant à sa santé.",
        required=False,
    )

    def __init__(self, *args, catalogue: Catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        self.definitions = {d.name: d for d in catalogue.fact_definitions() if not d.derived}
        for name, definition in self.definitions.items():
            self.fields[name] = fact_field(definition)
        self._style(self.definitions)

    def _style(self, names) -> None:
        # BootstrapMixin styled the static fields; the fact fields are added afterwards.
        for name in names:
            field = self.fields[name]
            widget = field.widget
            if isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css

    def clean_on(self) -> date:
        on = self.cleaned_data["on"]
        if not date(1900, 1, 1) <= on <= date(2100, 12, 31):
            raise forms.ValidationError("Choisissez une date entre 1900 et 2100.")
        return on

    def clean(self):
        cleaned = super().clean()
        # The engine's own check (bounds, integers, values) as a last guard, next to the field it concerns.
        for name, definition in self.definitions.items():
            value = cleaned.get(name)
            if value in (None, ""):
                cleaned[name] = None
                continue
            try:
                cleaned[name] = definition.check_value(value)
            except ValueError as error:
                self.add_error(name, str(error))
        return cleaned

    @staticmethod
    def initial_for(facts) -> dict[str, object]:
        """Engine values as the form's initial data (booleans as « oui »/« non »)."""
        return {
            name: ("oui" if value else "non") if isinstance(value, bool) else value for name, value in facts.items()
        }

    def facts(self) -> dict[str, object]:
        """Known answers among the valid fields (usable even when another field is in error)."""
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.definitions if data.get(name) is not None}

    def fields_with_errors(self) -> set[str]:
        return set(self.errors) & set(self.definitions)
