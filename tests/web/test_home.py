"""The home page: counters by step, next sessions, what is waiting (tasks, sessions to record), for a
counsellor and for a manager."""

import html as htmllib
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import login_as
from trajectoire.cases.services import session_cancel, session_mark_held, session_mark_missed

pytestmark = pytest.mark.django_db


def _case(world, state: str, *, first_name: str, counsellor=None, **extra):
    owner = counsellor or world["owner"]
    beneficiary = factories.BeneficiaryFactory(
        centre=world["case"].centre, first_name=first_name, last_name="Benali", counsellor=owner
    )
    return factories.AccompanimentFactory(beneficiary=beneficiary, counsellor=owner, state=state, **extra)


def _session(case, *, hours: float, minutes: int = 60):
    return factories.SessionFactory(
        accompaniment=case,
        starts_at=timezone.now() + timedelta(hours=hours),
        duration_minutes=minutes,
        created_by=case.counsellor,
    )


def _home(world, who):
    response = login_as(Client(), world, who).get(reverse("web:home"))
    assert response.status_code == 200
    return response


def _text(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_counters_count_each_case_once_closed_ones_included(case_world):
    world = case_world
    closed_one = _case(world, "closed", first_name="Aïcha", ended_on=date(2026, 6, 1))
    _case(world, "closed", first_name="Karim", ended_on=date(2026, 6, 15))
    _case(world, "abandoned", first_name="Inès")
    _case(world, "investigation", first_name="Lucas")
    # Co-counsellors join the visibility filter: a case with two of them must still count once.
    closed_one.co_counsellors.add(world["colleague"], factories.counsellor(closed_one.centre))
    states = dict((value, count) for _, count, value in _home(world, "owner").context["states"])
    assert states == {
        "request": 1,  # Sandrine Lefèvre's case of the fixture
        "preliminary": 0,
        "investigation": 1,
        "conclusion": 0,
        "closed": 2,
        "abandoned": 1,
    }
    assert "Clôturé : <strong>2</strong>" in _text(_home(world, "owner"))


def test_a_co_counsellor_counts_the_cases_they_follow(case_world):
    world = case_world
    case = _case(world, "closed", first_name="Aïcha")
    case.co_counsellors.add(world["colleague"])
    states = dict((value, count) for _, count, value in _home(world, "colleague").context["states"])
    assert states["closed"] == 1
    assert sum(states.values()) == 1


def test_the_manager_sees_the_centre_counters(case_world):
    world = case_world
    _case(world, "closed", first_name="Aïcha")
    _case(world, "closed", first_name="Karim", counsellor=world["colleague"])
    _case(world, "preliminary", first_name="Lucas", counsellor=world["colleague"])
    response = _home(world, "manager")
    centre = dict((value, count) for _, count, value in response.context["centre_states"])
    assert (centre["closed"], centre["preliminary"], centre["request"]) == (2, 1, 1)
    assert "Accompagnements du centre par étape" in _text(response)
    # A counsellor does not get the centre's counters.
    assert "centre_states" not in _home(world, "owner").context


def test_next_sessions_start_from_now_and_leave_out_closed_cancelled_and_recorded_ones(case_world):
    world = case_world
    open_case = _case(world, "preliminary", first_name="Aïcha")
    closed_case = _case(world, "closed", first_name="Karim")
    earlier_today = _session(open_case, hours=-1)
    soon = _session(open_case, hours=2)
    later = _session(open_case, hours=48)
    of_closed_case = _session(closed_case, hours=3)
    cancelled = _session(open_case, hours=5)
    session_cancel(actor=open_case.counsellor, session=cancelled, by="person", reason="Imprévu", now=timezone.now())
    shown = list(_home(world, "owner").context["next_sessions"])
    assert shown == [soon, later]
    assert earlier_today not in shown and of_closed_case not in shown


def test_sessions_whose_time_has_passed_wait_to_be_recorded(case_world):
    world = case_world
    case = _case(world, "preliminary", first_name="Aïcha")
    unrecorded = _session(case, hours=-3)
    held = _session(case, hours=-30)
    session_mark_held(actor=case.counsellor, session=held, held_minutes=55, now=timezone.now())
    _session(case, hours=4)
    response = _home(world, "owner")
    assert list(response.context["sessions_to_record"]) == [unrecorded]
    html = _text(response)
    assert "Entretiens à renseigner" in html
    assert reverse("web:session_edit", args=[case.pk, unrecorded.pk]) in html


def test_a_no_show_puts_a_follow_up_in_the_to_do_list(case_world):
    world = case_world
    case = _case(world, "investigation", first_name="Aïcha")
    session = _session(case, hours=-26)
    session_mark_missed(actor=case.counsellor, session=session, now=timezone.now())
    html = _text(_home(world, "owner"))
    day = timezone.localtime(session.starts_at).strftime("%d/%m")
    assert f"Relancer Aïcha Benali après son absence du {day}" in html
    assert reverse("web:case_task_done", args=[case.pk, case.tasks.get().pk]) in html
    # Another counsellor of the centre does not see it.
    assert "Relancer Aïcha" not in _text(_home(world, "colleague"))


def test_cases_in_progress_show_held_and_planned_hours_apart(case_world):
    world = case_world
    case = _case(world, "preliminary", first_name="Aïcha")
    held = _session(case, hours=-50, minutes=120)
    session_mark_held(actor=case.counsellor, session=held, held_minutes=110, now=timezone.now())
    _session(case, hours=50, minutes=90)
    response = _home(world, "owner")
    row = next(c for c in response.context["open_cases"] if c.pk == case.pk)
    assert (row.held_minutes, row.planned_minutes_ahead) == (110, 90)
    assert "1\u00a0h\u00a050 sur 24\u00a0h" in _text(response)


def test_the_manager_sees_the_centre_hours_held_only(case_world):
    world = case_world
    mine = _case(world, "preliminary", first_name="Aïcha")
    theirs = _case(world, "investigation", first_name="Karim", counsellor=world["colleague"])
    theirs.co_counsellors.add(world["owner"], factories.counsellor(theirs.centre))
    now = timezone.now()
    for case, real in ((mine, 50), (theirs, 100)):
        held = _session(case, hours=-30, minutes=120)
        session_mark_held(actor=case.counsellor, session=held, held_minutes=real, now=now)
    _session(theirs, hours=24, minutes=90)
    _session(mine, hours=-2, minutes=45)  # time passed, not recorded
    cancelled = _session(mine, hours=30, minutes=60)
    session_cancel(actor=mine.counsellor, session=cancelled, by="centre", reason="Salle prise", now=now)
    other_centre = factories.SessionFactory(starts_at=now - timedelta(days=1))
    session_mark_held(actor=other_centre.created_by, session=other_centre, held_minutes=200, now=now)
    response = _home(world, "manager")
    assert response.context["centre_hours"] == {
        "held_minutes": 150,
        "planned_minutes_ahead": 90,
        "unrecorded_minutes": 45,
    }
    assert "Heures réalisées : <strong>2\u00a0h\u00a030</strong>" in _text(response)
