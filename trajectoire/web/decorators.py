"""Role gates for views. Object-level checks are the funnels' job (`<app>/access.py`)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from trajectoire.accounts.enums import CENTRE_WIDE_WRITE_ROLES


def centre_member_required(view):
    """The user works in a centre (has an active membership); otherwise 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership is None:
            raise PermissionDenied("Votre compte n'est rattaché à aucun centre.")
        return view(request, *args, **kwargs)

    return wrapper


def centre_manager_required(view):
    @centre_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership.role not in CENTRE_WIDE_WRITE_ROLES:
            raise PermissionDenied("Cette page est réservée aux responsables du centre.")
        return view(request, *args, **kwargs)

    return wrapper
