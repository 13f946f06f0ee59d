from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

# Django's empty choice of a select reads as a glitch to a counsellor: the select says what to do instead.
DJANGO_BLANK_LABEL = "---------"
BLANK_LABEL = "— choisir —"


def _label_blank_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK_LABEL:
            field.empty_label = BLANK_LABEL
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(value == "" and label == DJANGO_BLANK_LABEL for value, label in choices):
            field.choices = [
                (value, BLANK_LABEL if value == "" and label == DJANGO_BLANK_LABEL else label)
                for value, label in choices
            ]


class BootstrapMixin:
    """Gives widgets Bootstrap's classes; Django adds aria-describedby and aria-invalid itself. Django's
    « --------- » empty choice becomes « — choisir — »."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _label_blank_choice(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class QuickSelect(forms.Select):
    """A select of plain options (no groups), rendered in Python: Django builds a dictionary per option and renders
    each through a template include, which made the 400 bassins d'emploi of the tension form two thirds of the
    occupation page's CPU (bench/load.py, docs/performance.md). Same HTML but for whitespace."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), mark_safe(" selected") if str(v) in selected else "", label) for v, label in self.choices),
        )
        attributes = format_html_join(
            "",
            "{}",
            (
                (format_html(" {}", key) if val is True else format_html(' {}="{}"', key, val),)
                for key, val in self.build_attrs(self.attrs, attrs).items()
                if val is not False and val is not None
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)
