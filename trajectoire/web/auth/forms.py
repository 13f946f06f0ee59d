from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.template import loader

from trajectoire.accounts.tasks import send_email
from trajectoire.web.forms import BootstrapMixin


class EmailAuthenticationForm(BootstrapMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie et réessayez.",
        "inactive": "Ce compte est désactivé. Adressez-vous au responsable de votre centre.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Adresse e-mail"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})


class TaskPasswordResetForm(BootstrapMixin, PasswordResetForm):
    """Password reset whose e-mail goes through the task queue (sent by `db_worker`)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[to_email]))


class TokenForm(BootstrapMixin, forms.Form):
    token = forms.CharField(
        label="Code à 6 chiffres",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
        help_text="Le code affiché par votre application d'authentification (il change toutes les 30 secondes).",
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("Le code ne contient que des chiffres.")
        return token


class CentreSwitchForm(forms.Form):
    centre = forms.IntegerField(widget=forms.HiddenInput)


class NewPasswordForm(BootstrapMixin, SetPasswordForm):
    pass
