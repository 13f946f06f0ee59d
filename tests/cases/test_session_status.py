"""What became of a session: held (real duration), cancelled, missed; hours réalisées count held ones only."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from tests import factories
from trajectoire.cases.enums import CaseTaskKind, SessionStatus
from trajectoire.cases.errors import CaseRuleError, StaleEditError
from trajectoire.cases.models import CaseTask, Session
from trajectoire.cases.services import (
    minutes_held,
    minutes_planned,
    minutes_used,
    session_cancel,
    session_mark_held,
    session_mark_missed,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def session(db):
    return factories.SessionFactory(starts_at=NOW - timedelta(days=1), duration_minutes=120)


def test_a_planned_session_is_not_counted_as_held(session):
    case = session.accompaniment
    assert minutes_held(case) == 0
    assert minutes_planned(case) == 120
    assert minutes_used(case) == 120


def test_marking_held_records_the_real_duration_and_counts_it(session):
    session_mark_held(actor=session.created_by, session=session, held_minutes=95, now=NOW)
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert session.held_minutes == 95
    assert minutes_held(session.accompaniment) == 95
    assert minutes_used(session.accompaniment) == 95


def test_a_future_session_cannot_be_marked_held(db):
    future = factories.SessionFactory(starts_at=NOW + timedelta(days=2))
    with pytest.raises(CaseRuleError, match="une fois commencé"):
        session_mark_held(actor=future.created_by, session=future, held_minutes=60, now=NOW)
    future.refresh_from_db()
    assert future.status == SessionStatus.PLANNED


@pytest.mark.parametrize("minutes", [0, 481])
def test_an_implausible_real_duration_is_refused(session, minutes):
    with pytest.raises(CaseRuleError, match="durée réelle"):
        session_mark_held(actor=session.created_by, session=session, held_minutes=minutes, now=NOW)
    assert Session.objects.get(pk=session.pk).status == SessionStatus.PLANNED


def test_held_plus_planned_cannot_pass_the_24_hour_ceiling(session):
    case = session.accompaniment
    for day in range(2, 13):  # 11 more sessions of 2 h: 24 h planned in all
        factories.SessionFactory(accompaniment=case, starts_at=NOW + timedelta(days=day))
    with pytest.raises(CaseRuleError, match="plafond légal"):
        session_mark_held(actor=session.created_by, session=session, held_minutes=150, now=NOW)
    session_mark_held(actor=session.created_by, session=session, held_minutes=120, now=NOW)
    assert minutes_used(case) == 24 * 60


def test_cancelling_needs_who_and_why_and_frees_the_time(session):
    with pytest.raises(CaseRuleError, match="motif"):
        session_cancel(actor=session.created_by, session=session, by="person", reason="  ", now=NOW)
    session_cancel(actor=session.created_by, session=session, by="person", reason="Enfant malade", now=NOW)
    session.refresh_from_db()
    assert (session.status, session.cancelled_by, session.status_reason) == ("cancelled", "person", "Enfant malade")
    assert minutes_used(session.accompaniment) == 0


def test_a_no_show_opens_a_follow_up_task_for_the_next_day(session):
    session_mark_missed(actor=session.created_by, session=session, now=NOW)
    task = CaseTask.objects.get(session=session)
    assert task.kind == CaseTaskKind.NO_SHOW_FOLLOW_UP
    assert task.due_on == NOW.date() + timedelta(days=1)
    assert minutes_held(session.accompaniment) == 0


def test_a_second_marking_is_refused_and_says_who_marked_first(session):
    session_mark_held(actor=session.created_by, session=session, held_minutes=90, now=NOW)
    stale = Session.objects.get(pk=session.pk)
    stale.status = SessionStatus.PLANNED  # the other user's page still shows it planned
    with pytest.raises(StaleEditError, match="déjà été marqué « réalisé »"):
        session_mark_missed(actor=factories.manager(session.accompaniment.centre), session=stale, now=NOW)
    assert not CaseTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_markings_one_wins_the_other_is_told():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    session = factories.SessionFactory(starts_at=NOW - timedelta(hours=3))
    barrier = threading.Barrier(2)
    outcomes = []

    def mark(action):
        copy = Session.objects.get(pk=session.pk)
        barrier.wait()
        try:
            action(copy)
            outcomes.append("ok")
        except StaleEditError:
            outcomes.append("stale")
        finally:
            connection.close()

    actor = session.created_by
    threads = [
        threading.Thread(
            target=mark, args=(lambda s: session_mark_held(actor=actor, session=s, held_minutes=60, now=NOW),)
        ),
        threading.Thread(target=mark, args=(lambda s: session_mark_missed(actor=actor, session=s, now=NOW),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale"]
