"""Writes of the accounts app: audit events, API tokens, centres and memberships."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from trajectoire.accounts.enums import AuditAction, Role
from trajectoire.accounts.models import ApiToken, AuditEvent, Centre, Membership, User

_RESOLVE: Any = object()  # "work it out": the person from the object, the address from the current request


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None,
    centre_id: int | None,
    fields: Iterable[str] = (),
    beneficiary_id: int | None = _RESOLVE,
    shown_count: int | None = None,
    ip: str | None = _RESOLVE,
    object_type: str = "",
    object_id: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Record who did what to which object. Only field *names* are kept, never values.

    The person concerned is found from the object (a case's record names its beneficiary) unless given, and the
    client's address comes from the request being served (trajectoire.accounts.audit). Without an object (a
    refused or failed attempt, a list), OBJECT_TYPE and OBJECT_ID say what was asked for.
    """
    from trajectoire.accounts.audit import beneficiary_id_of, current, current_ip

    authenticated = actor is not None and actor.is_authenticated
    state = current()
    if action == AuditAction.VIEW and obj is not None and state is not None and not state.flushing:
        # A read during a request joins the funnels' reads: one row per object, written once the page is served.
        state.views.setdefault(
            (obj._meta.label_lower, str(obj.pk)),
            {"actor": actor, "action": action, "obj": obj, "centre_id": centre_id, "fields": fields},
        )
        return AuditEvent(action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk))
    event = AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=actor_label
        or (f"{actor.get_full_name()} <{actor.email}>" if actor and authenticated else "système"),
        centre_id=centre_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else object_id,
        fields=sorted(set(fields)),
        beneficiary_id=beneficiary_id_of(obj) if beneficiary_id is _RESOLVE else beneficiary_id,
        shown_count=shown_count,
        ip_address=current_ip() if ip is _RESOLVE else ip,
    )
    return event


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
