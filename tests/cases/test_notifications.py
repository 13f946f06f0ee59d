"""E-mails about sessions: the invitation with its .ics, the reminder 48 hours before, the cancellation link."""

import time
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.management import CommandError, call_command
from django.utils import timezone
from icalendar import Calendar

from tests import factories
from trajectoire.cases.agenda import (
    CANCEL_LINK_SALT,
    CancelLinkProblem,
    cancel_token,
    session_for_cancel_token,
    session_uid,
)
from trajectoire.cases.enums import SessionStatus
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.models import Session
from trajectoire.cases.notifications import claim_due_reminders, session_plan
from trajectoire.cases.services import consent_record, session_cancel
from trajectoire.cases.workflow import accompaniment_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(case_world):
    case = case_world["case"]
    consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 3, 2)}
    )
    accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))
    return case


def _plan(case, starts_at, *, mode="on_site", capture):
    mail.outbox.clear()
    with capture(execute=True):
        return session_plan(
            actor=case.counsellor,
            accompaniment=case,
            data={"starts_at": starts_at, "duration_minutes": 90, "phase": "preliminary", "mode": mode},
            now=timezone.now(),
        )


def _at(days: float, hour: int = 9, minute: int = 30):
    return timezone.localtime(timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )


def test_planning_a_session_invites_the_person_with_an_ics(case, django_capture_on_commit_callbacks):
    session = _plan(case, _at(5), capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [case.beneficiary.email]
    assert message.reply_to == [case.counsellor.email]
    assert message.subject.startswith("Votre rendez-vous du ")
    assert "Bonjour Sandrine," in message.body
    assert "avec Claire Martin" in message.body
    assert "9\u00a0h\u00a030" in message.body and "1\u00a0h\u00a030" in message.body
    assert "Lieu : CIBC Démo Occitanie, 1 place du Capitole, 31000 Toulouse." in message.body
    assert "/rendez-vous/annuler/" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("invitation.ics", "text/calendar; method=REQUEST")
    calendar = Calendar.from_ical(content)
    assert str(calendar["method"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == session_uid(session)
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
    assert str(event["organizer"]) == f"mailto:{case.counsellor.email}"
    assert str(event["attendee"]) == f"mailto:{case.beneficiary.email}"
    assert "/rendez-vous/annuler/" in str(event["description"])


def test_a_remote_session_says_so_instead_of_an_address(case, django_capture_on_commit_callbacks):
    _plan(case, _at(5), mode="remote", capture=django_capture_on_commit_callbacks)
    body = mail.outbox[0].body
    assert "Il a lieu à distance" in body and "place du Capitole" not in body
    (event,) = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")
    assert str(event["location"]) == "À distance"


def test_no_invitation_without_an_address_for_a_past_session_or_when_the_write_fails(
    case, django_capture_on_commit_callbacks
):
    _plan(case, _at(-2), capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    case.beneficiary.email = ""
    case.beneficiary.save()
    _plan(case, _at(3), capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    case.beneficiary.email = "sandrine.lefevre@exemple.fr"
    case.beneficiary.save()
    with pytest.raises(CaseRuleError), django_capture_on_commit_callbacks(execute=True) as callbacks:
        session_plan(
            actor=case.counsellor,
            accompaniment=case,
            data={"starts_at": _at(3), "duration_minutes": 90, "phase": "conclusion", "mode": "on_site"},
            now=timezone.now(),
        )
    assert callbacks == [] and mail.outbox == []


# --- Reminders -----------------------------------------------------------------------------------------------


def _session(case, starts_at, **extra):
    return factories.SessionFactory(
        accompaniment=case, starts_at=starts_at, duration_minutes=60, created_by=case.counsellor, **extra
    )


def _remind(now) -> str:
    out = StringIO()
    call_command("send_session_reminders", "--now", now.isoformat(), stdout=out)
    return out.getvalue()


def test_the_reminder_goes_once_48_hours_before(case):
    now = timezone.now().replace(microsecond=0)
    due = _session(case, now + timedelta(hours=48))
    _session(case, now + timedelta(hours=50))  # next hour's
    _session(case, now + timedelta(hours=46))  # its window has passed
    cancelled = _session(case, now + timedelta(hours=48, minutes=30))
    session_cancel(actor=case.counsellor, session=cancelled, by="centre", reason="Salle prise", now=now)
    mail.outbox.clear()
    assert "reminders=1" in _remind(now)
    assert "reminders=0" in _remind(now)
    assert "reminders=0" in _remind(now + timedelta(hours=1))  # the same session, still in the window
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [case.beneficiary.email]
    assert message.subject.startswith("Rappel : rendez-vous du ")
    assert "Nous vous rappelons votre entretien" in message.body and "/rendez-vous/annuler/" in message.body
    assert Session.objects.get(pk=due.pk).reminder_sent_at == now


def test_two_runs_at_once_claim_each_session_once(case):
    now = timezone.now()
    session = _session(case, now + timedelta(hours=48))
    assert claim_due_reminders(now=now) == [session.pk]
    assert claim_due_reminders(now=now) == []


def test_a_person_without_an_address_is_not_claimed(case):
    now = timezone.now()
    case.beneficiary.email = ""
    case.beneficiary.save()
    session = _session(case, now + timedelta(hours=48))
    assert claim_due_reminders(now=now) == []
    assert Session.objects.get(pk=session.pk).reminder_sent_at is None


def test_the_reminder_command_refuses_a_bad_instant():
    with pytest.raises(CommandError, match="Instant invalide : 'demain'"):
        call_command("send_session_reminders", "--now", "demain")


def test_the_cron_file_runs_the_reminders_every_hour():
    lines = [line for line in Path("deploy/cron").read_text().splitlines() if "send_session_reminders" in line]
    assert len(lines) == 1
    minute, hour = lines[0].split()[:2]
    assert minute.isdigit() and hour == "*"


# --- Cancellation links --------------------------------------------------------------------------------------


def test_a_link_names_its_session_until_it_starts(case):
    session = _session(case, timezone.now() + timedelta(days=2))
    token = cancel_token(session)
    assert session_for_cancel_token(token, now=timezone.now()) == session
    with pytest.raises(CancelLinkProblem) as late:
        session_for_cancel_token(token, now=session.starts_at)
    assert late.value.kind == "expired"


def test_a_link_signed_with_another_salt_or_changed_is_refused(case):
    session = _session(case, timezone.now() + timedelta(days=2))
    other = signing.TimestampSigner(salt="autre").sign(str(session.pk))
    for token in (other, cancel_token(session) + "0", "n-importe-quoi"):
        with pytest.raises(CancelLinkProblem) as problem:
            session_for_cancel_token(token, now=timezone.now())
        assert problem.value.kind == "tampered"
    assert CANCEL_LINK_SALT != "autre"


def test_a_link_stamped_more_than_400_days_ago_is_expired(case):
    session = _session(case, timezone.now() + timedelta(days=2))
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 401 * 86400):
        token = cancel_token(session)
    with pytest.raises(CancelLinkProblem) as problem:
        session_for_cancel_token(token, now=timezone.now())
    assert problem.value.kind == "expired"
    assert problem.value.message == "Ce lien d'annulation est trop ancien : il n'est plus valable."


def test_a_used_link_says_the_session_is_already_cancelled(case):
    session = _session(case, timezone.now() + timedelta(days=2))
    session_cancel(actor=None, session=session, by="person", reason="Empêchement", now=timezone.now())
    with pytest.raises(CancelLinkProblem) as problem:
        session_for_cancel_token(cancel_token(session), now=timezone.now())
    assert problem.value.kind == "cancelled"
    assert Session.objects.get(pk=session.pk).status == SessionStatus.CANCELLED
