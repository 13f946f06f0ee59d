"""QuickSelect renders the same HTML as Django's Select (but for whitespace), much faster on long lists."""

import re

import pytest
from django import forms

from trajectoire.web.forms import BootstrapMixin, QuickSelect

BASSINS = [
    ("3201", "Abbeville Ponthieu (80)"),
    ("7649", "Agde-Pézenas (34)"),
    ("5318", "Saint-Brieuc & Lamballe (22)"),
]


def _form(widget, data=None):
    class AreaForm(BootstrapMixin, forms.Form):
        bassin = forms.ChoiceField(
            label="Bassin d'emploi", choices=[("", "Choisissez un bassin d'emploi"), *BASSINS], widget=widget
        )

    form = AreaForm(data)
    if data is not None:
        form.is_valid()
    return form


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(
    "data",
    [None, {"bassin": "7649"}, {"bassin": "inconnu"}],
    ids=["empty form", "a bassin chosen", "an unknown bassin with its error attributes"],
)
def test_quick_select_renders_what_django_renders(data):
    expected = _squeezed(_form(forms.Select, data)["bassin"])
    assert _squeezed(_form(QuickSelect, data)["bassin"]) == expected


def test_quick_select_escapes_labels_and_marks_the_choice():
    html = str(_form(QuickSelect, {"bassin": "5318"})["bassin"])
    assert '<option value="5318" selected>Saint-Brieuc &amp; Lamballe (22)</option>' in html
    assert "Choisissez un bassin d&#x27;emploi" in html
    assert html.count(" selected") == 1
