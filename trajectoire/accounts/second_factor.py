"""Adding and removing a second factor (TOTP device), each recorded and told to the account by e-mail.

A second factor added by someone else means the password is known to them; one removed leaves the account
behind its password alone. Either way the holder must hear of it at once, from a channel the intruder does
not control: an e-mail to the account's address, saying what changed, when, from where, and what to do.
"""

from datetime import datetime

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import User
from trajectoire.accounts.services import audit_record
from trajectoire.accounts.tasks import SECOND_FACTOR_ADDED, SECOND_FACTOR_REMOVED, send_second_factor_notice


def _notify(*, user: User, change: str, ip: str | None, at: datetime) -> None:
    transaction.on_commit(
        lambda: send_second_factor_notice.enqueue(user_id=user.pk, change=change, at=at.isoformat(), ip=ip)
    )


def second_factor_confirm(*, actor: User, device: TOTPDevice, ip: str | None, at: datetime) -> None:
    """Mark an enrolled device as confirmed (its first code was right)."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=actor, action=AuditAction.SECURITY, obj=device, centre_id=None, fields=["confirmed"], ip=ip)
        _notify(user=device.user, change=SECOND_FACTOR_ADDED, ip=ip, at=at)


def second_factor_remove(*, actor: User, user: User, ip: str | None, at: datetime) -> int:
    """Delete every TOTP device of USER; answer how many confirmed ones there were (0: nothing to tell)."""
    with transaction.atomic():
        devices = TOTPDevice.objects.select_for_update().filter(user=user)
        confirmed = [device for device in devices if device.confirmed]
        for device in confirmed:
            audit_record(
                actor=actor,
                action=AuditAction.SECURITY,
                obj=None,
                centre_id=None,
                fields=["deleted"],
                ip=ip,
                object_type=device._meta.label_lower,
                object_id=str(device.pk),
            )
        devices.delete()
        if confirmed:
            _notify(user=user, change=SECOND_FACTOR_REMOVED, ip=ip, at=at)
    return len(confirmed)
