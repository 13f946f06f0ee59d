"""Optimistic locking shared by every editable record that holds personal data.

A record carries a `version`; a form sends back the version it was opened on; the save is a conditional
UPDATE (`WHERE version = base`) that bumps it. Zero rows updated means someone saved in between: the save is
refused, nothing is written, and the user keeps their input (the view shows the other person's values).
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone


class StaleEditError(Exception):
    """Someone saved the same record since the form was opened. The message is French and says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        self.field: str | None = None


class Versioned(models.Model):
    """Abstract base: adds the version counter used by the conditional update."""

    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        abstract = True


def update_versioned(
    obj: models.Model,
    *,
    base_version: int,
    values: dict[str, Any],
    stale_message: str,
    error_class: type[StaleEditError] = StaleEditError,
    **extra: Any,
) -> list[str]:
    """Write `values` into `obj` only if its row is still at `base_version`; bump the version.

    Returns the names of the fields that really changed (for the audit log). Nothing changed → nothing is
    written and the version stays. A stale base raises StaleEditError with `stale_message` and leaves the row
    as the other person saved it. `extra` are columns written with the change but not compared (e.g. the
    author of a synthesis). Callers run inside their own transaction.atomic; `error_class` lets an app raise its
    own subclass (cases raise `cases.errors.StaleEditError`, which is also a CaseRuleError).
    """
    model = type(obj)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        # Still refuse a stale form: the user would otherwise believe their (identical) view was current.
        if not model._default_manager.filter(pk=obj.pk, version=base_version).exists():
            raise error_class(stale_message)
        return []
    columns: dict[str, Any] = {name: values[name] for name in changed}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        columns["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=obj.pk, version=base_version).update(
        **columns, **extra, version=base_version + 1
    )
    if updated == 0:
        raise error_class(stale_message)
    obj.refresh_from_db()
    return changed


def current_values(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The record as saved now, for showing the other person's change next to the user's kept input."""
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {name: getattr(fresh, name) for name in names}
