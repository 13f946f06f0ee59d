"""Pieces shared by the case page and the session page: the status forms shown beside each session."""

from datetime import datetime

from trajectoire.cases.enums import SessionStatus
from trajectoire.cases.models import Accompaniment, Session
from trajectoire.web.cases.forms import SessionCancelForm, SessionHeldForm, SessionMissedForm


def action_forms(session: Session, bound: dict | None = None) -> dict:
    """The three status forms of one planned session. Ids carry the session's number, so that a page listing
    several sessions keeps unique ids; names stay plain, so the views read them as they are."""
    auto_id = f"id_s{session.pk}_%s"
    forms = {
        "held": SessionHeldForm(auto_id=auto_id, initial={"held_minutes": session.duration_minutes}),
        "cancel": SessionCancelForm(auto_id=auto_id),
        "missed": SessionMissedForm(auto_id=auto_id),
    }
    forms.update(bound or {})
    return forms


def decorate(session: Session, *, now: datetime, bound: dict | None = None) -> Session:
    """Adds what the templates need: has it started, is it waiting to be recorded, its status forms."""
    session.has_started = session.starts_at <= now
    session.to_record = session.status == SessionStatus.PLANNED and session.has_started
    session.actions = action_forms(session, bound) if session.status == SessionStatus.PLANNED else {}
    return session


def session_rows(accompaniment: Accompaniment, *, now: datetime) -> list[Session]:
    return [decorate(s, now=now) for s in accompaniment.sessions.select_related("status_changed_by")]
