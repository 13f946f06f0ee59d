"""E-mails about sessions: the invitation (with its .ics), the reminder 48 hours before, and the counsellor's
notice when the person cancels through their link.

The services of trajectoire/cases/services.py stay free of e-mail: the thin wrappers here call them in one
transaction and enqueue the e-mail on commit, so a refused or rolled-back write sends nothing. The tasks re-read
the session when they run (the queue may be late) and send nothing if it no longer applies.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from trajectoire import formatting
from trajectoire.accounts.models import User
from trajectoire.cases.agenda import cancel_url, invitation_calendar, place
from trajectoire.cases.attendance import french_date, french_time
from trajectoire.cases.enums import PHASE_STATES, CancelledBy, SessionMode, SessionStatus
from trajectoire.cases.models import Accompaniment, Session
from trajectoire.cases.services import session_cancel, session_create

# The reminder goes out between 47 and 49 hours before the session: the hourly cron sees each session twice
# in that window, and the claim (reminder_sent_at) makes the second pass do nothing.
REMINDER_FROM = timedelta(hours=47)
REMINDER_TO = timedelta(hours=49)
DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def session_plan(*, actor: User, accompaniment: Accompaniment, data: dict[str, Any], now: datetime) -> Session:
    """session_create, then (once committed) the invitation to the person when the session is ahead and the
    person has an e-mail address."""
    with transaction.atomic():
        session = session_create(actor=actor, accompaniment=accompaniment, data=data)
        if session.starts_at > now and accompaniment.beneficiary.email:
            transaction.on_commit(lambda: send_session_invitation.enqueue(session_id=session.pk))
    return session


def session_cancel_by_person(*, session: Session, reason: str, now: datetime) -> Session:
    """The person cancels through their signed link (no account): session_cancel with no actor, then the
    counsellors are told."""
    with transaction.atomic():
        session_cancel(actor=None, session=session, by=CancelledBy.PERSON, reason=reason, now=now)
        transaction.on_commit(lambda: notify_person_cancelled.enqueue(session_id=session.pk))
    return session


def claim_due_reminders(*, now: datetime) -> list[int]:
    """The sessions whose reminder is due, each claimed by a conditional UPDATE (reminder_sent_at from null to
    NOW): of two runs at the same time, only one claims a given session, so no one gets two reminders."""
    due = (
        Session.objects.filter(
            status=SessionStatus.PLANNED,
            reminder_sent_at__isnull=True,
            starts_at__gte=now + REMINDER_FROM,
            starts_at__lt=now + REMINDER_TO,
            accompaniment__state__in=[s.value for s in PHASE_STATES],
        )
        .exclude(accompaniment__beneficiary__email="")
        .values_list("pk", flat=True)
    )
    claimed = []
    for pk in due:
        if Session.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
            claimed.append(pk)
    return claimed


# --- Tasks -----------------------------------------------------------------------------------------------


@task()
def send_session_invitation(*, session_id: int) -> int:
    """The invitation e-mail with invitation.ics (enqueued by session_plan)."""
    session = _planned_session(session_id)
    if session is None:
        return 0
    message = _person_message(session, template="agenda/emails/session_invitation.txt", subject="Votre rendez-vous")
    message.attach("invitation.ics", invitation_calendar(session, now=timezone.now()), "text/calendar; method=REQUEST")
    return message.send()


@task()
def send_session_reminder(*, session_id: int) -> int:
    """The reminder 48 hours before (enqueued by send_session_reminders once the session is claimed)."""
    session = _planned_session(session_id)
    if session is None:
        return 0
    message = _person_message(session, template="agenda/emails/session_reminder.txt", subject="Rappel : rendez-vous")
    return message.send()


@task()
def notify_person_cancelled(*, session_id: int) -> int:
    """Tells the case's counsellors that the person cancelled. The reason stays in the case file: an e-mail
    travels further than the application."""
    session = Session.objects.select_related("accompaniment__beneficiary", "accompaniment__counsellor").get(
        pk=session_id
    )
    case = session.accompaniment
    recipients = [case.counsellor.email, *case.co_counsellors.values_list("email", flat=True)]
    body = render_to_string(
        "agenda/emails/session_cancelled_by_person.txt",
        {
            "person": case.beneficiary.full_name,
            "when": when(session),
            "case_url": str(settings.SITE_URL).rstrip("/")
            + reverse("web:case_detail", args=[case.pk])
            + f"#entretien-{session.pk}",
        },
    )
    subject = f"Entretien annulé par {case.beneficiary.full_name}"
    return EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[r for r in recipients if r]
    ).send()


def _planned_session(session_id: int) -> Session | None:
    session = (
        Session.objects.select_related(
            "accompaniment__beneficiary", "accompaniment__counsellor", "accompaniment__centre"
        )
        .filter(pk=session_id)
        .first()
    )
    if session is None or session.status != SessionStatus.PLANNED or not session.accompaniment.is_open:
        return None
    if session.starts_at <= timezone.now() or not session.accompaniment.beneficiary.email:
        return None
    return session


def _person_message(session: Session, *, template: str, subject: str) -> EmailMessage:
    case = session.accompaniment
    body = render_to_string(
        template,
        {
            "first_name": case.beneficiary.first_name,
            "kind": case.get_kind_display(),
            "when": when(session),
            "duration": formatting.duration(session.duration_minutes),
            "remote": session.mode == SessionMode.REMOTE,
            "place": place(session),
            "counsellor": case.counsellor.get_full_name(),
            "centre": case.centre.name,
            "cancel_url": cancel_url(session),
        },
    )
    when_short = timezone.localtime(session.starts_at)
    return EmailMessage(
        subject=f"{subject} du {when_short:%d/%m/%Y} — {case.centre.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[case.beneficiary.email],
        reply_to=[case.counsellor.email] if case.counsellor.email else None,
    )


def when(session: Session) -> str:
    """« mardi 10 mars 2026 à 9 h 30 »."""
    local = timezone.localtime(session.starts_at)
    return f"{DAY_NAMES[local.weekday()]} {french_date(session.starts_at)} à {french_time(session.starts_at)}"
