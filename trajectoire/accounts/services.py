"""Writes of the accounts app: audit events, API tokens, centres and memberships."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from trajectoire.accounts.enums import Role
from trajectoire.accounts.models import ApiToken, AuditEvent, Centre, Membership, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    centre_id: int | None,
    fields: Iterable[str] = (),
) -> AuditEvent:
    """Record who did what to which object. Only field *names* are kept, never values."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=(f"{actor.get_full_name()} <{actor.email}>" if actor and actor.is_authenticated else "système"),
        centre_id=centre_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=sorted(set(fields)),
    )


def audit_purge(*, now) -> int:
    """Delete audit events older than AUDIT_LOG_RETENTION_DAYS. Returns how many were deleted."""
    limit = now - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.older_than(limit).delete()
    return deleted


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its clear value, which is never stored."""
    clear = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.hash(clear))
    return token, clear


def api_token_authenticate(clear: str) -> User | None:
    token = ApiToken.objects.usable().select_related("user").filter(digest=ApiToken.hash(clear)).first()
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def centre_create(*, name: str, siret: str, postal_code: str, city: str, address: str = "") -> Centre:
    centre = Centre(name=name, siret=siret.replace(" ", ""), postal_code=postal_code, city=city, address=address)
    centre.full_clean()
    centre.save()
    return centre


@transaction.atomic
def membership_grant(*, user: User, centre: Centre, role: Role) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, centre=centre, defaults={"role": role, "is_active": True}
    )
    return membership
