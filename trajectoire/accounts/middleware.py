from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from trajectoire.accounts.access import memberships_of

SESSION_CENTRE_KEY = "current_centre_id"

# Pages reachable between the password step and the second factor.
_TWO_FACTOR_OPEN_PREFIXES = ("/static/", "/compte/2fa/", "/deconnexion/", "/api/")


class TwoFactorMiddleware:
    """When REQUIRE_2FA is on, a logged-in user must pass a TOTP check before any other page.

    The API is left to its own authentication (tokens are a second factor of their own kind, and
    session calls come from pages that already went through this check).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_TWO_FACTOR_OPEN_PREFIXES)
        ):
            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = "web:otp_verify" if has_device else "web:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class CurrentCentreMiddleware:
    """Attach `request.membership` (the centre the user works in now) and `request.memberships`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.memberships = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = list(memberships_of(user).order_by("centre__name"))
            request.memberships = memberships
            chosen = request.session.get(SESSION_CENTRE_KEY)
            request.membership = next((m for m in memberships if m.centre_id == chosen), None) or (
                memberships[0] if memberships else None
            )
        return self.get_response(request)
