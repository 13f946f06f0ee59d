from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from trajectoire.accounts.models import AuditEvent
from trajectoire.accounts.services import audit_purge

pytestmark = pytest.mark.django_db


def _event(age_days: int) -> AuditEvent:
    return AuditEvent.objects.create(
        created_at=timezone.now() - timedelta(days=age_days),
        actor_label="test",
        action="view",
        object_type="cases.beneficiary",
        object_id="1",
    )


def test_purge_deletes_only_events_older_than_the_retention(settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 30
    old, recent = _event(31), _event(29)
    assert audit_purge(now=timezone.now()) == 1
    assert list(AuditEvent.objects.all()) == [recent]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_purge_command_reports_what_it_deleted(settings, capsys):
    settings.AUDIT_LOG_RETENTION_DAYS = 10
    _event(11)
    call_command("purge_audit_log")
    assert "deleted=1" in capsys.readouterr().out
