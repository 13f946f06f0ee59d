"""Sessions outside Trajectoire: the counsellor's ICS feed, the .ics of an invitation, the person's signed link.

Third-party calendars (a phone, an office suite) are not under the centre's control, so what leaves through the
feed is minimised: a first name and an initial, the phase, the place; never a note, a surname or a status reason
(docs/bilan.md, « Agenda »). The person's own invitation names their own appointment in full.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import CalendarFeed, User
from trajectoire.accounts.services import audit_record
from trajectoire.cases.enums import SessionMode, SessionStatus
from trajectoire.cases.models import Accompaniment, Beneficiary, Session

# --- Calendar feed ---------------------------------------------------------------------------------------

# What the feed covers: a month back (a session just held stays visible), six months ahead.
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=180)
FEED_STATUSES = (SessionStatus.PLANNED, SessionStatus.HELD, SessionStatus.CANCELLED)
# The feed's only write on GET: « dernière lecture », at most once in this interval (calendars poll often).
FEED_USE_RESOLUTION = timedelta(minutes=15)
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, user: User, now: datetime) -> tuple[CalendarFeed, str]:
    """A new secret address for USER's feed. The token is returned once and only its hash is kept; the
    counsellor's previous addresses stop working (one feed per counsellor: a lost phone is one click away)."""
    CalendarFeed.objects.usable().filter(user=user).update(revoked_at=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed.objects.create(user=user, digest=token_digest(token))
    audit_record(actor=user, action=AuditAction.CREATE, obj=feed, centre_id=None, beneficiary_id=None)
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, user: User, feed: CalendarFeed, now: datetime) -> CalendarFeed:
    """Kills the address at once: the next read of the feed is a 404."""
    if CalendarFeed.objects.filter(pk=feed.pk, user=user, revoked_at__isnull=True).update(revoked_at=now):
        audit_record(
            actor=user, action=AuditAction.UPDATE, obj=feed, centre_id=None, beneficiary_id=None, fields=["revoked_at"]
        )
    feed.refresh_from_db()
    return feed


def feed_for_token(token: str) -> CalendarFeed | None:
    """The usable feed of a token, or None. The token is hashed before the lookup, so the database compares
    digests, not secrets: how long a comparison takes says nothing about the token itself."""
    if not TOKEN_PATTERN.match(token):
        return None
    digest = token_digest(token)
    feed = CalendarFeed.objects.usable().select_related("user").filter(digest=digest).first()
    if feed is None or not secrets.compare_digest(feed.digest, digest):
        return None
    return feed


def feed_sessions(user: User, *, now: datetime) -> list[Session]:
    """The sessions of USER's cases (referent or co-counsellor) in the centres where USER still works."""
    return list(
        Session.objects.visible_to(user)
        .filter(accompaniment__in=Accompaniment.objects.followed_by(user))
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lt=now + FEED_AHEAD, status__in=FEED_STATUSES)
        .select_related("accompaniment__beneficiary", "accompaniment__centre")
        .order_by("starts_at", "pk")
    )


def feed_read(feed: CalendarFeed, *, now: datetime) -> bytes:
    """The feed's body. Records one EXPORT row per centre (how many people it named) and « dernière lecture »."""
    sessions = feed_sessions(feed.user, now=now)
    calendar = _calendar(method=None)
    calendar.add("x-wr-calname", "Trajectoire — mes entretiens")
    for session in sessions:
        calendar.add_component(feed_event(session, now=now))
    people: dict[int, set[int]] = {}
    for session in sessions:
        people.setdefault(session.accompaniment.centre_id, set()).add(session.accompaniment.beneficiary_id)
    for centre_id, ids in sorted(people.items()):
        audit_record(
            actor=feed.user,
            action=AuditAction.EXPORT,
            obj=feed,
            centre_id=centre_id,
            beneficiary_id=None,
            fields=["sessions"],
            shown_count=len(ids),
        )
    CalendarFeed.objects.filter(pk=feed.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - FEED_USE_RESOLUTION)
    ).update(last_used_at=now)
    return calendar.to_ical()


def initial_name(beneficiary: Beneficiary) -> str:
    """« Aïcha B. »: enough for the counsellor to recognise the appointment, little for anyone else."""
    initial = beneficiary.last_name.strip()[:1].upper()
    return f"{beneficiary.first_name.strip()} {initial}." if initial else beneficiary.first_name.strip()


def feed_event(session: Session, *, now: datetime) -> Event:
    case = session.accompaniment
    event = _event(session, now=now)
    event.add("summary", f"Entretien — {initial_name(case.beneficiary)} ({session.get_phase_display()})")
    event.add("url", _absolute(reverse("web:case_detail", args=[case.pk])))
    return event


# --- Invitation of the person ----------------------------------------------------------------------------


def invitation_calendar(session: Session, *, now: datetime) -> bytes:
    """The invitation.ics of the e-mail to the person (METHOD:REQUEST, iTIP): organiser the counsellor, the person
    as the attendee. Replies are not processed, so no RSVP is asked."""
    case = session.accompaniment
    calendar = _calendar(method="REQUEST")
    event = _event(session, now=now)
    event.add("summary", f"Entretien de {case.get_kind_display()} — {case.centre.name}")
    counsellor = vCalAddress(f"mailto:{case.counsellor.email}")
    counsellor.params["cn"] = vText(case.counsellor.get_full_name())
    event.add("organizer", counsellor)
    attendee = vCalAddress(f"mailto:{case.beneficiary.email}")
    attendee.params.update(
        {"cn": vText(case.beneficiary.full_name), "role": vText("REQ-PARTICIPANT"), "rsvp": vText("FALSE")}
    )
    event.add("attendee", attendee)
    event.add("description", f"Pour annuler : {cancel_url(session)}")
    calendar.add_component(event)
    return calendar.to_ical()


def _calendar(*, method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Trajectoire//Agenda des entretiens//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _event(session: Session, *, now: datetime) -> Event:
    """What the feed and the invitation share: the same UID (a calendar that has both shows one event), UTC times,
    the place, the status. A moved session keeps its UID; its SEQUENCE follows the row's version."""
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("sequence", max(session.version - 1, 0))
    event.add("location", place(session))
    event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def session_uid(session: Session) -> str:
    return f"entretien-{session.pk}@{urlsplit(str(settings.SITE_URL)).hostname or 'trajectoire'}"


def place(session: Session) -> str:
    if session.mode == SessionMode.REMOTE:
        return "À distance"
    centre = session.accompaniment.centre
    return ", ".join(part for part in (centre.name, centre.address, f"{centre.postal_code} {centre.city}") if part)


def _absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


# --- The person's cancellation link ----------------------------------------------------------------------

CANCEL_LINK_SALT = "trajectoire.cases.session-cancel"
# A link outlives no session: it stops at the session's start. This bound only rejects absurdly old stamps.
CANCEL_LINK_MAX_AGE = timedelta(days=400)


def cancel_token(session: Session) -> str:
    return signing.TimestampSigner(salt=CANCEL_LINK_SALT).sign(str(session.pk))


def cancel_url(session: Session) -> str:
    return _absolute(reverse("web:session_person_cancel", args=[cancel_token(session)]))


@dataclass
class CancelLinkProblem(Exception):
    """Why a link cannot cancel: `kind` is tampered, expired, cancelled or over; the message is for the person."""

    kind: str
    message: str
    session: Session | None = None


def session_for_cancel_token(token: str, *, now: datetime) -> Session:
    """The planned, future session a link names, or CancelLinkProblem saying in French why not."""
    try:
        pk = int(signing.TimestampSigner(salt=CANCEL_LINK_SALT).unsign(token, max_age=CANCEL_LINK_MAX_AGE))
    except signing.SignatureExpired:
        raise CancelLinkProblem("expired", "Ce lien d'annulation est trop ancien : il n'est plus valable.") from None
    except (signing.BadSignature, ValueError):
        raise CancelLinkProblem(
            "tampered",
            "Ce lien d'annulation est incomplet ou a été modifié. Copiez-le en entier depuis l'e-mail reçu, ou "
            "contactez votre conseiller.",
        ) from None
    session = (
        Session.objects.select_related("accompaniment__counsellor", "accompaniment__centre").filter(pk=pk).first()
    )
    if session is None:
        raise CancelLinkProblem("tampered", "Cet entretien n'existe plus. Contactez votre conseiller.")
    if session.status == SessionStatus.CANCELLED:
        raise CancelLinkProblem("cancelled", "Cet entretien est déjà annulé : il n'y a rien d'autre à faire.", session)
    if session.status != SessionStatus.PLANNED or session.starts_at <= now or not session.accompaniment.is_open:
        raise CancelLinkProblem(
            "expired",
            "Ce lien n'est plus valable : l'heure de l'entretien est passée. Pour toute question, contactez votre "
            "conseiller.",
            session,
        )
    return session
