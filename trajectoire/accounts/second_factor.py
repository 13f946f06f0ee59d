"""Adding and removing a second factor (TOTP device), each recorded and told to the account by e-mail.

A second factor added by someone else means the password is known to them; one removed leaves the account
behind its password alone. Either way the holder must hear of it at once, from a channel the intruder does
not control: an e-mail to the account's address, saying what changed, when, from where, and what to do.

The pages go through the two services below. A device deleted elsewhere (the admin, for a lost phone) is
caught by the post_delete receiver at the end, connected when this module is imported (by the URLconf, so
in every request).
"""

from contextvars import ContextVar
from datetime import datetime

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import User
from trajectoire.accounts.services import audit_record
from trajectoire.accounts.tasks import SECOND_FACTOR_ADDED, SECOND_FACTOR_REMOVED, send_second_factor_notice

# Set while second_factor_remove deletes, so that the receiver does not record and notify a second time.
_removing: ContextVar[bool] = ContextVar("trajectoire_second_factor_removing", default=False)


def _notify(*, user_id: int, change: str, ip: str | None, at: datetime) -> None:
    transaction.on_commit(
        lambda: send_second_factor_notice.enqueue(user_id=user_id, change=change, at=at.isoformat(), ip=ip)
    )


def _record(*, actor: User | None, user: User, obj: TOTPDevice, fields: list[str], ip: str | None) -> None:
    """One security row in the journal of each centre the account belongs to, so that its managers see it;
    a row with no centre for an account with none (an operator)."""
    centre_ids = list(user.memberships.active().values_list("centre_id", flat=True)) or [None]
    for centre_id in centre_ids:
        audit_record(
            actor=actor,
            action=AuditAction.SECURITY,
            obj=None,
            centre_id=centre_id,
            fields=fields,
            ip=ip,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
        )


def second_factor_confirm(*, actor: User, device: TOTPDevice, ip: str | None, at: datetime) -> None:
    """Save an enrolled device as confirmed (its first code was right). Until then it exists only in the
    signed enrolment form, so an abandoned enrolment leaves no row."""
    with transaction.atomic():
        device.confirmed = True
        device.save()
        _record(actor=actor, user=device.user, obj=device, fields=["confirmed"], ip=ip)
        _notify(user_id=device.user_id, change=SECOND_FACTOR_ADDED, ip=ip, at=at)


def second_factor_remove(*, actor: User, user: User, ip: str | None, at: datetime) -> int:
    """Delete every TOTP device of USER; answer how many confirmed ones there were (0: nothing to tell)."""
    with transaction.atomic():
        devices = TOTPDevice.objects.select_for_update().filter(user=user)
        confirmed = [device for device in devices if device.confirmed]
        for device in confirmed:
            _record(actor=actor, user=user, obj=device, fields=["deleted"], ip=ip)
        token = _removing.set(True)
        try:
            devices.delete()
        finally:
            _removing.reset(token)
        if confirmed:
            _notify(user_id=user.pk, change=SECOND_FACTOR_REMOVED, ip=ip, at=at)
    return len(confirmed)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="trajectoire_second_factor_deleted")
def _device_deleted_elsewhere(sender, instance: TOTPDevice, **kwargs) -> None:
    if _removing.get() or not instance.confirmed:
        return
    from trajectoire.accounts.audit import current

    state = current()
    request_user = getattr(state.request, "user", None) if state else None
    actor = request_user if request_user is not None and request_user.is_authenticated else None
    ip = state.ip if state else None
    _record(actor=actor, user=instance.user, obj=instance, fields=["deleted"], ip=ip)
    _notify(user_id=instance.user_id, change=SECOND_FACTOR_REMOVED, ip=ip, at=timezone.now())
