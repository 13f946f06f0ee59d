"""What to show when a save is refused as stale (optimistic locking, trajectoire/locking.py).

The user keeps their input in the form; next to it we say who saved in between and what the record holds now,
field by field with its French label: « Entre-temps, Karim Benali a enregistré : téléphone 06 12 34 56 78 ».
Who saved comes from the audit log (it names the fields of each write, never their values); the values are read
from the record as saved now.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import AuditEvent
from trajectoire.formatting import euros, number
from trajectoire.locking import current_values

# Long texts (notes, synthesis sections) are cut: the page shows the beginning, the record has the rest.
MAX_SHOWN = 120


def _shown(obj: models.Model, name: str, value) -> str:
    field = obj._meta.get_field(name)
    if value in (None, ""):
        return "(vide)"
    if isinstance(field, models.ManyToManyField):
        return ", ".join(v.get_full_name() if hasattr(v, "get_full_name") else str(v) for v in value) or "(aucun)"
    if isinstance(field, models.ForeignKey):
        return value.get_full_name() if hasattr(value, "get_full_name") else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return euros(value) if name.endswith("_eur") else number(value, decimals=1 if value % 1 else 0)
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _names(actors: list[str]) -> str:
    if not actors:
        return "quelqu'un d'autre"
    if len(actors) == 1:
        return actors[0]
    return ", ".join(actors[:-1]) + " et " + actors[-1]


def stale_notice(obj: models.Model, *, base_version: int | None, fields: Iterable[str]) -> str:
    """One French sentence: who saved `obj` since `base_version` and the current values of what they changed
    among `fields` (the fields of the refused form)."""
    fields = list(fields)
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    missed = max(fresh.version - (base_version or 0), 1)
    events = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-created_at", "-id")
    actors: list[str] = []
    changed: list[str] = []
    # Each accepted save bumps the version once and writes one UPDATE row naming its fields: the last `missed`
    # rows touching the form's fields are the saves this form did not see.
    for event in events[:200]:
        touched = [name for name in event.fields if name in fields]
        if not touched:
            continue
        name = event.actor.get_full_name() if event.actor else event.actor_label
        if name not in actors:
            actors.append(name)
        changed.extend(n for n in touched if n not in changed)
        missed -= 1
        if missed == 0:
            break
    if not changed:
        return f"Entre-temps, {_names(actors)} a enregistré une modification."
    ordered = [name for name in fields if name in changed]
    now = current_values(
        fresh, [n for n in ordered if not isinstance(fresh._meta.get_field(n), models.ManyToManyField)]
    )
    parts = []
    for name in ordered:
        field = fresh._meta.get_field(name)
        value = list(getattr(fresh, name).all()) if isinstance(field, models.ManyToManyField) else now[name]
        parts.append(f"{field.verbose_name} {_shown(fresh, name, value)}")
    verb = "a enregistré" if len(actors) <= 1 else "ont enregistré"
    return f"Entre-temps, {_names(actors)} {verb} : " + " ; ".join(parts) + "."


def report_stale(form, error, obj: models.Model, *, base_version: int | None) -> None:
    """Put the refusal and what changed at the top of the bound form; the user's input stays in its fields,
    and the hidden version moves to the current one so that a deliberate second save goes through."""
    form.add_error(None, error.message)
    form.add_error(None, stale_notice(obj, base_version=base_version, fields=form.fields))
    if "base_version" in form.fields:
        data = form.data.copy()
        data["base_version"] = str(type(obj)._default_manager.values_list("version", flat=True).get(pk=obj.pk))
        form.data = data
