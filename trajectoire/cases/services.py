"""Writes of the cases app. Each service runs in one transaction and records an audit event."""

from typing import Any

from django.db import transaction

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import Centre, User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.models import Beneficiary

BENEFICIARY_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_year",
    "postal_code",
    "employment_status",
    "counsellor",
)


def _clean_email(value: str) -> str:
    return value.strip().lower()


@transaction.atomic
def beneficiary_create(*, actor: User, centre: Centre, data: dict[str, Any]) -> Beneficiary:
    values = {name: data[name] for name in BENEFICIARY_FIELDS if name in data}
    values["email"] = _clean_email(values.get("email", ""))
    beneficiary = Beneficiary.objects.create(centre=centre, **values)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=beneficiary, centre_id=centre.pk, fields=values.keys())
    return beneficiary


@transaction.atomic
def beneficiary_update(*, actor: User, beneficiary: Beneficiary, data: dict[str, Any]) -> Beneficiary:
    changed = []
    for name in BENEFICIARY_FIELDS:
        if name not in data:
            continue
        value = _clean_email(data[name]) if name == "email" else data[name]
        if getattr(beneficiary, name) != value:
            setattr(beneficiary, name, value)
            changed.append(name)
    if changed:
        beneficiary.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=beneficiary, centre_id=beneficiary.centre_id, fields=changed
        )
    return beneficiary


def beneficiary_viewed(*, actor: User, beneficiary: Beneficiary) -> None:
    """A read of personal data is itself recorded (who looked at whose file)."""
    audit_record(actor=actor, action=AuditAction.VIEW, obj=beneficiary, centre_id=beneficiary.centre_id)
