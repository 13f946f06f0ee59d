"""Role gates for views. Object-level checks are the funnels' job (`<app>/access.py`)."""

from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from trajectoire.accounts.enums import CENTRE_WIDE_WRITE_ROLES


def _login_after_expired_post(request):
    """A form sent once the session has expired. Logging in would lead back to the form's POST-only address by
    GET, which answers 405 with an empty body (a browser error page): send the person back to the page that held
    the form instead, saying that nothing was recorded."""
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    parts = urlsplit(referer)
    # A page shown in answer to a refused POST sits at the POST address itself: that one cannot be reopened either.
    if safe and referer and parts.path != request.path:
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    else:
        back = reverse("web:home")
    messages.warning(
        request, "Votre session a expiré : rien n'a été enregistré. Reconnectez-vous, puis refaites l'action."
    )
    return redirect_to_login(back)


def centre_member_required(view):
    """The user works in a centre (has an active membership); otherwise 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership is None:
            raise PermissionDenied("Votre compte n'est rattaché à aucun centre.")
        return view(request, *args, **kwargs)

    @wraps(view)
    def gate(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            return _login_after_expired_post(request)
        return wrapper(request, *args, **kwargs)

    return gate


def centre_manager_required(view):
    @centre_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership.role not in CENTRE_WIDE_WRITE_ROLES:
            raise PermissionDenied("Cette page est réservée aux responsables du centre.")
        return view(request, *args, **kwargs)

    return wrapper
