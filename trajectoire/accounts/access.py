"""Who belongs to which centre, with which role.

Funnels of personal-data models (get_<model>_for_user) build on these helpers; they live in the
access.py of the app that owns the model.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from trajectoire.accounts.audit import audit_denied
from trajectoire.accounts.enums import CENTRE_WIDE_WRITE_ROLES, Role
from trajectoire.accounts.models import Centre, Membership, User


def memberships_of(user: User) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user).select_related("centre")


def centre_ids_of(user: User) -> list[int]:
    return list(memberships_of(user).values_list("centre_id", flat=True))


def role_in(user: User, centre_id: int) -> Role | None:
    membership = memberships_of(user).filter(centre_id=centre_id).first()
    return Role(membership.role) if membership else None


def has_centre_wide_write(user: User, centre_id: int) -> bool:
    return role_in(user, centre_id) in CENTRE_WIDE_WRITE_ROLES


def managed_centre_ids(user: User) -> list[int]:
    return list(
        memberships_of(user).filter(role__in=list(CENTRE_WIDE_WRITE_ROLES)).values_list("centre_id", flat=True)
    )


def get_centre_for_user(user: User, pk: int, *, write: bool = False) -> Centre:
    """A centre is not personal data: its reads are not recorded, its refusals are (security events)."""
    if not user.is_authenticated:
        audit_denied(user, model=Centre, pk=pk)
        raise Http404
    membership = memberships_of(user).filter(centre_id=pk).first()
    if membership is None:
        audit_denied(user, model=Centre, pk=pk)
        raise Http404
    if write and membership.role not in CENTRE_WIDE_WRITE_ROLES:
        audit_denied(user, model=Centre, pk=pk, obj=membership.centre)
        raise PermissionDenied("Seuls les responsables et administrateurs du centre peuvent le modifier.")
    return membership.centre
