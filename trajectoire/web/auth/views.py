import base64
import time

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from trajectoire.accounts.middleware import SESSION_CENTRE_KEY
from trajectoire.accounts.network import client_ip
from trajectoire.accounts.second_factor import second_factor_confirm, second_factor_remove
from trajectoire.web.auth.forms import (
    CentreSwitchForm,
    EmailAuthenticationForm,
    NewPasswordForm,
    TaskPasswordResetForm,
    TokenForm,
)

login_view = auth_views.LoginView.as_view(
    template_name="registration/login.html",
    authentication_form=EmailAuthenticationForm,
    redirect_authenticated_user=True,
)
logout_view = auth_views.LogoutView.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    form_class=TaskPasswordResetForm,
    email_template_name="registration/password_reset_email.txt",
    success_url=reverse_lazy("web:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=NewPasswordForm, success_url=reverse_lazy("web:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()


def _next_url(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("web:home")


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


# The key being enrolled travels signed in the form, not in a database row: opening the page (a GET) must
# write nothing, and an abandoned enrolment must leave nothing behind. The signature binds it to the user
# and expires, so a key cannot be replayed for another account or after a quarter of an hour.
ENROLMENT_SALT = "trajectoire.otp-setup"
ENROLMENT_MAX_AGE_S = 15 * 60
DEVICE_NAME = "Application d'authentification"


def _enrolment_device(user, key: str) -> TOTPDevice:
    return TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=False)


def _read_enrolment(request) -> str | None:
    try:
        payload = signing.loads(request.POST.get("enrolment", ""), salt=ENROLMENT_SALT, max_age=ENROLMENT_MAX_AGE_S)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("user") != request.user.pk:
        return None
    key = payload.get("key")
    return key if isinstance(key, str) else None


def _first_code_is_right(device: TOTPDevice, token: str) -> bool:
    """Check the first code without saving anything (the device's own verify_token saves, even on failure)."""
    try:
        value = int(token)
    except (TypeError, ValueError):
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(value, device.tolerance):
        return False
    device.last_t = totp.t()
    return True


@login_required
def otp_setup(request):
    """Enrol a TOTP application: show the QR code, confirm with a first code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists() and not request.user.is_verified():
        return redirect(f"{reverse_lazy('web:otp_verify')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    key = _read_enrolment(request) if request.method == "POST" else None
    if request.method == "POST" and key is None:
        form.add_error(
            None, "Ce code QR a expiré : scannez le nouveau code ci-dessous, puis saisissez le code affiché."
        )
    if key is None:
        key = random_hex(20)
    device = _enrolment_device(request.user, key)
    if request.method == "POST" and form.is_valid():
        if _first_code_is_right(device, form.cleaned_data["token"]):
            second_factor_confirm(actor=request.user, device=device, ip=client_ip(request), at=timezone.now())
            otp_login(request, device)
            messages.success(request, "La double authentification est activée sur votre compte.")
            return redirect(_next_url(request))
        form.add_error("token", "Ce code n'est pas valide : vérifiez l'heure de votre téléphone et réessayez.")
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
            "enrolment": signing.dumps({"user": request.user.pk, "key": key}, salt=ENROLMENT_SALT),
            "next": _next_url(request),
        },
    )


@login_required
def otp_verify(request):
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse_lazy('web:otp_setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error("token", "Ce code n'est pas valide ou a expiré : saisissez le code affiché maintenant.")
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def otp_remove(request):
    """Remove one's own second factor (to change phones, say): a current code proves the phone is in hand,
    and the account is told by e-mail."""
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    form = TokenForm(request.POST or None)
    if devices and request.method == "POST" and form.is_valid():
        if any(device.verify_token(form.cleaned_data["token"]) for device in devices):
            second_factor_remove(actor=request.user, user=request.user, ip=client_ip(request), at=timezone.now())
            messages.success(
                request,
                "La double authentification est retirée de votre compte. Un e-mail vous le confirme ; "
                "activez-la de nouveau avec votre nouvelle application.",
            )
            return redirect("web:otp_setup")
        form.add_error("token", "Ce code n'est pas valide ou a expiré : saisissez le code affiché maintenant.")
    return render(request, "registration/otp_remove.html", {"form": form, "has_device": bool(devices)})


@login_required
@require_POST
def switch_centre(request):
    form = CentreSwitchForm(request.POST)
    if form.is_valid() and any(m.centre_id == form.cleaned_data["centre"] for m in request.memberships):
        request.session[SESSION_CENTRE_KEY] = form.cleaned_data["centre"]
    else:
        messages.error(request, "Vous n'êtes pas membre de ce centre.")
    return redirect("web:home")
