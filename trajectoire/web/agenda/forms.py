from django import forms

from trajectoire.web.forms import BootstrapMixin

REASON_MAX_LENGTH = 500


class PersonCancelForm(BootstrapMixin, forms.Form):
    """The person's reason for cancelling (the counsellor reads it in the case file)."""

    reason = forms.CharField(
        label="Pourquoi annulez-vous ?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Quelques mots suffisent (par exemple : « empêchement professionnel »). 500 caractères au plus.",
        error_messages={
            "required": "Indiquez en quelques mots pourquoi vous annulez : votre conseiller pourra vous proposer "
            "une autre date.",
            "max_length": "Le motif dépasse 500 caractères : raccourcissez-le.",
        },
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason
