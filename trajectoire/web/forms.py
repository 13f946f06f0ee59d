from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class BootstrapMixin:
    """Gives widgets Bootstrap's classes; Django adds aria-describedby and aria-invalid itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
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
