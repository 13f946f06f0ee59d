from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import redirect, render
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


def _size(size: int) -> str:
    """A byte count in French binary units: "64 ko", "3 Mo", "2,5 Mo"."""
    if size < 1024 * 1024:
        return f"{round(size / 1024)}\u00a0ko"
    text = f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}\u00a0Mo"


class RequestSizeMiddleware:
    """Refuse a body over the limits with a 413 that says what happened, instead of Django's bare English
    « Bad Request (400) » raised from deep inside CSRF checking, where the writer loses her text without
    knowing why.

    Django refuses a non-multipart body whose Content-Length exceeds DATA_UPLOAD_MAX_MEMORY_SIZE and, in a
    multipart body, text fields that together exceed it; we check the same two things first. Whole
    multipart bodies (file uploads) are capped by FILE_UPLOAD_MAX_REQUEST_SIZE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.content_type == "multipart/form-data"
        limit = settings.FILE_UPLOAD_MAX_REQUEST_SIZE if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            return self.too_big(request, limit)
        if multipart and request.method == "POST":
            try:
                request.POST  # noqa: B018 — parsing now is what lets us answer 413 instead of CSRF's 400
            except RequestDataTooBig:
                return self.too_big(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return self.get_response(request)

    @staticmethod
    def too_big(request, limit: int):
        size = _size(limit)
        if request.path.startswith("/api/"):
            detail = f"Le corps de la requête dépasse la limite de {size}\u00a0: rien n'a été enregistré."
            return JsonResponse({"detail": detail, "errors": []}, status=413)
        return render(request, "413.html", {"limit": size}, status=413)


class PrivateCacheMiddleware:
    """`Cache-Control: no-store, private` on every answer to a logged-in user (pages and API): they carry
    personal data that must stay out of shared proxies and out of the browser's disk cache on a shared office
    computer. Anonymous answers (login page, static files served before us by WhiteNoise) keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._authenticated(request):
            response["Cache-Control"] = "no-store, private"
        return response

    @staticmethod
    def _authenticated(request) -> bool:
        # Without a session cookie or a token the visitor is anonymous: do not load an empty session just to
        # find that out (it would add `Vary: Cookie` to public pages).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
