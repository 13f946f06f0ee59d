from django.conf import settings

from trajectoire.accounts.enums import CENTRE_WIDE_WRITE_ROLES


def shell(request):
    """What the page header needs: the current centre, the user's role there, the other centres."""
    membership = getattr(request, "membership", None)
    return {
        "current_membership": membership,
        "current_centre": membership.centre if membership else None,
        "is_centre_manager": bool(membership and membership.role in CENTRE_WIDE_WRITE_ROLES),
        "other_memberships": [m for m in getattr(request, "memberships", []) if m is not membership],
        "demo_mode": settings.DEMO_MODE,
    }
