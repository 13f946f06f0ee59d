"""Forms of the émargement page. They only carry input: the rules (held session, one record, valid drawing) are
checked by trajectoire/cases/attendance.py."""

from django import forms

from trajectoire.cases.enums import AttendanceMethod
from trajectoire.web.forms import BootstrapMixin


class SignatureForm(forms.Form):
    """Both drawings, filled in by static/js/attendance.js from the pads (signature_pad's toSVG())."""

    signature_svg = forms.CharField(required=False, widget=forms.HiddenInput)
    counsellor_signature_svg = forms.CharField(required=False, widget=forms.HiddenInput)


class CodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label="Code reçu par la personne",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        help_text="Les 6 chiffres que la personne lit dans l'e-mail reçu.",
    )


class EvidenceForm(BootstrapMixin, forms.Form):
    evidence = forms.CharField(
        label="Preuve de présence",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Outil de visioconférence, heures de connexion et de déconnexion, ce qui atteste de la présence.",
    )


CORRECTION_METHODS = [
    (AttendanceMethod.ON_SITE_SIGNATURE.value, "Nouvelle signature sur place"),
    (AttendanceMethod.COUNSELLOR_EVIDENCE.value, "Preuve consignée par le conseiller"),
]


class CorrectionForm(BootstrapMixin, forms.Form):
    correction_reason = forms.CharField(
        label="Motif de la correction",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ce qui était inexact dans l'émargement précédent, qui reste conservé tel quel.",
    )
    method = forms.ChoiceField(
        label="Nouvelle preuve", choices=CORRECTION_METHODS, widget=forms.RadioSelect, initial="on_site_signature"
    )
    signature_svg = forms.CharField(required=False, widget=forms.HiddenInput)
    counsellor_signature_svg = forms.CharField(required=False, widget=forms.HiddenInput)
    evidence = forms.CharField(
        label="Preuve de présence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Seulement pour une preuve consignée.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].widget.attrs["class"] = "form-check-input"
