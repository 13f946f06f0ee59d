"""Sessions through the pages: their status (held, cancelled, missed), the permission matrix of the status
forms, the plausibility of dates, durations and notes, and hours réalisées that count held sessions only."""

import csv
import html as htmllib
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import login_as
from trajectoire.cases.enums import CaseTaskKind, SessionStatus
from trajectoire.cases.models import CaseTask, Session
from trajectoire.cases.services import consent_record, session_cancel, session_mark_held, session_mark_missed
from trajectoire.cases.workflow import accompaniment_start
from trajectoire.formatting import NBSP
from trajectoire.web.cases.forms import NOTES_MAX_LENGTH

pytestmark = pytest.mark.django_db


def _start(case):
    consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 3, 2)}
    )
    accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))


def _session(case, *, days: float, minutes: int = 120, **extra) -> Session:
    return factories.SessionFactory(
        accompaniment=case,
        starts_at=timezone.now() + timedelta(days=days),
        duration_minutes=minutes,
        created_by=case.counsellor,
        **extra,
    )


@pytest.fixture
def world(case_world):
    _start(case_world["case"])
    return case_world


def _csrf_client(world, who) -> tuple[Client, str]:
    """A client that checks CSRF like the server, logged in as WHO, with a real token taken from a page."""
    client = login_as(Client(enforce_csrf_checks=True), world, who)
    page = client.get(reverse("web:login") if world[who] is None else reverse("web:home"))
    if page.status_code == 302:  # a signed-in user sent away from the login page
        page = client.get(page["Location"])
    return client, str(page.context["csrf_token"])


def _text(response) -> str:
    """The page as a reader sees it: entities such as &#x27; turned back into characters."""
    return htmllib.unescape(response.content.decode())


def _case_page(client, case) -> str:
    return _text(client.get(reverse("web:case_detail", args=[case.pk])))


# --- Permission matrix of the status forms -------------------------------------------------------------

# who -> status code of a POST to a status form; only the case's counsellors and the centre's managers write.
MATRIX = {
    "owner": 302,
    "manager": 302,
    "colleague": 404,  # professional secrecy: a colleague not on the case does not even see it
    "other_centre": 404,
    "analyst": 403,
    "anonymous": 302,  # to the login page
}
ACTIONS = {
    "session_mark_held": {"held_minutes": "100"},
    "session_mark_missed": {"status_reason": ""},
}


@pytest.mark.parametrize("who", MATRIX)
@pytest.mark.parametrize("action", ACTIONS)
def test_status_forms_of_a_started_session_follow_the_permission_matrix(world, who, action):
    case = world["case"]
    session = _session(case, days=-1)
    client, token = _csrf_client(world, who)
    response = client.post(
        reverse(f"web:{action}", args=[case.pk, session.pk]), {**ACTIONS[action], "csrfmiddlewaretoken": token}
    )
    assert response.status_code == MATRIX[who]
    session.refresh_from_db()
    expected = {"session_mark_held": SessionStatus.HELD, "session_mark_missed": SessionStatus.MISSED}[action]
    if who in ("owner", "manager"):
        assert session.status == expected
        assert session.status_changed_by == world[who]
    else:
        assert session.status == SessionStatus.PLANNED
        assert response.status_code != 302 or "/connexion/" in response["Location"]


@pytest.mark.parametrize("who", MATRIX)
def test_cancelling_follows_the_permission_matrix(world, who):
    case = world["case"]
    session = _session(case, days=3)
    client, token = _csrf_client(world, who)
    response = client.post(
        reverse("web:session_cancel", args=[case.pk, session.pk]),
        {"cancelled_by": "person", "status_reason": "Rendez-vous médical", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == MATRIX[who]
    session.refresh_from_db()
    cancelled = who in ("owner", "manager")
    assert session.status == (SessionStatus.CANCELLED if cancelled else SessionStatus.PLANNED)


@pytest.mark.parametrize("who", MATRIX)
def test_marking_a_task_done_follows_the_permission_matrix(world, who):
    case = world["case"]
    session = _session(case, days=-1)
    session_mark_missed(actor=case.counsellor, session=session, now=timezone.now())
    task = CaseTask.objects.get(session=session)
    client, token = _csrf_client(world, who)
    response = client.post(
        reverse("web:case_task_done", args=[case.pk, task.pk]),
        {"outcome": "Appel : nouveau rendez-vous pris", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == MATRIX[who]
    task.refresh_from_db()
    assert (task.done_at is not None) == (who in ("owner", "manager"))


def test_a_status_form_without_the_csrf_token_is_refused_and_nothing_changes(world):
    case = world["case"]
    session = _session(case, days=-1)
    client = login_as(Client(enforce_csrf_checks=True), world, "owner")
    response = client.post(reverse("web:session_mark_held", args=[case.pk, session.pk]), {"held_minutes": "90"})
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_status_forms_answer_get_with_405(world):
    case = world["case"]
    session = _session(case, days=-1)
    client = login_as(Client(), world, "owner")
    assert client.get(reverse("web:session_mark_held", args=[case.pk, session.pk])).status_code == 405


def test_a_session_of_another_case_is_not_reached_through_this_case(world):
    case = world["case"]
    other = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=case.centre), counsellor=world["owner"], state="preliminary"
    )
    session = _session(other, days=-1)
    client, token = _csrf_client(world, "owner")
    response = client.post(
        reverse("web:session_mark_held", args=[case.pk, session.pk]),
        {"held_minutes": "60", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 404
    assert Session.objects.get(pk=session.pk).status == SessionStatus.PLANNED


# --- What the pages offer -------------------------------------------------------------------------------


def test_a_started_session_offers_held_and_no_show_and_a_future_one_offers_cancel(world):
    case = world["case"]
    started = _session(case, days=-1, minutes=90)
    future = _session(case, days=2)
    client = login_as(Client(), world, "owner")
    html = _case_page(client, case)
    held_url = reverse("web:session_mark_held", args=[case.pk, started.pk])
    assert held_url in html
    assert reverse("web:session_mark_missed", args=[case.pk, started.pk]) in html
    assert reverse("web:session_cancel", args=[case.pk, started.pk]) not in html
    assert reverse("web:session_cancel", args=[case.pk, future.pk]) in html
    assert reverse("web:session_mark_held", args=[case.pk, future.pk]) not in html
    # The real duration is asked, prefilled with the planned one.
    assert f'id="id_s{started.pk}_held_minutes"' in html
    assert 'value="90"' in html
    assert "À renseigner" in html


def test_marking_held_from_the_case_page_records_the_real_duration(world):
    case = world["case"]
    session = _session(case, days=-1, minutes=120)
    client, _ = _csrf_client(world, "owner")
    page = client.get(reverse("web:case_detail", args=[case.pk]))
    response = client.post(
        reverse("web:session_mark_held", args=[case.pk, session.pk]),
        {"held_minutes": "95", "csrfmiddlewaretoken": str(page.context["csrf_token"])},
        follow=True,
    )
    session.refresh_from_db()
    assert (session.status, session.held_minutes) == (SessionStatus.HELD, 95)
    html = _text(response)
    assert "marqué réalisé" in html
    assert f"durée réelle 1{NBSP}h{NBSP}35" in html


def test_a_future_session_marked_held_shows_the_rule_and_nothing_changes(world):
    case = world["case"]
    session = _session(case, days=2)
    client, token = _csrf_client(world, "owner")
    response = client.post(
        reverse("web:session_mark_held", args=[case.pk, session.pk]),
        {"held_minutes": "60", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert "une fois commencé" in _text(response)
    session.refresh_from_db()
    assert (session.status, session.held_minutes) == (SessionStatus.PLANNED, None)


def test_an_implausible_real_duration_is_refused_in_french(world):
    case = world["case"]
    session = _session(case, days=-1)
    client, token = _csrf_client(world, "owner")
    response = client.post(
        reverse("web:session_mark_held", args=[case.pk, session.pk]),
        {"held_minutes": "600", "csrfmiddlewaretoken": token},
    )
    assert "entre 1 minute et 8 heures" in _text(response)
    assert Session.objects.get(pk=session.pk).status == SessionStatus.PLANNED


def test_cancelling_needs_who_and_why_and_keeps_the_session_planned_otherwise(world):
    case = world["case"]
    session = _session(case, days=2)
    client, token = _csrf_client(world, "owner")
    response = client.post(
        reverse("web:session_cancel", args=[case.pk, session.pk]),
        {"cancelled_by": "", "status_reason": "", "csrfmiddlewaretoken": token},
    )
    html = _text(response)
    assert response.status_code == 200
    assert "Indiquez qui annule l'entretien" in html
    assert "Indiquez le motif de l'annulation" in html
    assert Session.objects.get(pk=session.pk).status == SessionStatus.PLANNED


def test_marking_twice_tells_who_recorded_it_first(world):
    case = world["case"]
    session = _session(case, days=-1)
    session_mark_held(actor=world["manager"], session=session, held_minutes=60, now=timezone.now())
    client, token = _csrf_client(world, "owner")
    response = client.post(
        reverse("web:session_mark_missed", args=[case.pk, session.pk]),
        {"status_reason": "", "csrfmiddlewaretoken": token},
    )
    assert "déjà" in _text(response)
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert not CaseTask.objects.filter(session=session).exists()


def test_a_no_show_opens_a_task_shown_on_the_home_page_and_done_from_there(world):
    case = world["case"]
    session = _session(case, days=-1)
    client, token = _csrf_client(world, "owner")
    client.post(
        reverse("web:session_mark_missed", args=[case.pk, session.pk]),
        {"status_reason": "Pas de réponse au téléphone", "csrfmiddlewaretoken": token},
    )
    task = CaseTask.objects.get(session=session, kind=CaseTaskKind.NO_SHOW_FOLLOW_UP)
    home = client.get(reverse("web:home"))
    day = timezone.localtime(session.starts_at).strftime("%d/%m")
    assert f"Relancer Sandrine Lefèvre après son absence du {day}" in _text(home)
    response = client.post(
        reverse("web:case_task_done", args=[case.pk, task.pk]),
        {"outcome": "Appelée : nouveau rendez-vous jeudi", "csrfmiddlewaretoken": str(home.context["csrf_token"])},
        follow=True,
    )
    task.refresh_from_db()
    assert task.done_by == world["owner"]
    assert task.outcome == "Appelée : nouveau rendez-vous jeudi"
    assert "Relancer Sandrine" not in _text(response)


def test_a_task_done_without_an_outcome_is_refused_in_french(world):
    case = world["case"]
    session = _session(case, days=-1)
    session_mark_missed(actor=case.counsellor, session=session, now=timezone.now())
    task = CaseTask.objects.get(session=session)
    client, token = _csrf_client(world, "owner")
    response = client.post(
        reverse("web:case_task_done", args=[case.pk, task.pk]),
        {"outcome": "  ", "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert "Indiquez la suite donnée" in _text(response)
    task.refresh_from_db()
    assert task.done_at is None


# --- The session page -----------------------------------------------------------------------------------


def _form_data(session, **changes) -> dict:
    data = {
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": str(session.duration_minutes),
        "mode": session.mode,
        "phase": session.phase,
        "shared_notes": session.shared_notes,
        "private_notes": session.private_notes,
        "base_version": str(session.version),
    }
    data.update(changes)
    return data


def test_a_held_session_keeps_its_planned_duration(world):
    case = world["case"]
    session = _session(case, days=-1, minutes=120)
    session_mark_held(actor=case.counsellor, session=session, held_minutes=100, now=timezone.now())
    session.refresh_from_db()
    client, token = _csrf_client(world, "owner")
    page = client.get(reverse("web:session_edit", args=[case.pk, session.pk]))
    assert page.context["form"].fields["duration_minutes"].disabled
    assert "la durée prévue ne se modifie plus" in _text(page)
    response = client.post(
        reverse("web:session_edit", args=[case.pk, session.pk]),
        {
            **_form_data(session, duration_minutes="300", shared_notes="Bilan des intérêts"),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.duration_minutes, session.held_minutes) == (120, 100)
    assert session.shared_notes == "Bilan des intérêts"


def test_a_held_session_cannot_move_to_the_future(world):
    case = world["case"]
    session = _session(case, days=-1)
    session_mark_held(actor=case.counsellor, session=session, held_minutes=100, now=timezone.now())
    session.refresh_from_db()
    client, token = _csrf_client(world, "owner")
    later = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("web:session_edit", args=[case.pk, session.pk]),
        {**_form_data(session, starts_at=later), "csrfmiddlewaretoken": token},
    )
    assert "sa date ne peut pas être dans le futur" in _text(response)
    assert Session.objects.get(pk=session.pk).starts_at == session.starts_at


@pytest.mark.parametrize("status", ["cancelled", "missed"])
def test_a_cancelled_or_missed_session_is_read_only(world, status):
    case = world["case"]
    if status == "cancelled":
        session = _session(case, days=2, shared_notes="À préparer : CV")
        session_cancel(
            actor=case.counsellor, session=session, by="centre", reason="Conseillère absente", now=timezone.now()
        )
    else:
        session = _session(case, days=-1, shared_notes="À préparer : CV")
        session_mark_missed(actor=case.counsellor, session=session, now=timezone.now())
    session.refresh_from_db()
    client, token = _csrf_client(world, "owner")
    page = client.get(reverse("web:session_edit", args=[case.pk, session.pk]))
    assert page.context["form"] is None
    assert "ne se modifie plus" in _text(page)
    response = client.post(
        reverse("web:session_edit", args=[case.pk, session.pk]),
        {**_form_data(session, shared_notes="Réécrit"), "csrfmiddlewaretoken": token},
    )
    assert "ne se modifie plus. Rien n'a changé." in _text(response)
    session.refresh_from_db()
    assert session.shared_notes == "À préparer : CV"


# --- Plausible dates, durations and notes ---------------------------------------------------------------


def _create(client, token, case, **changes):
    data = {
        "starts_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT10:00"),
        "duration_minutes": "90",
        "mode": "on_site",
        "phase": "preliminary",
        "shared_notes": "",
        "private_notes": "",
        "csrfmiddlewaretoken": token,
    }
    data.update(changes)
    return client.post(reverse("web:session_create", args=[case.pk]), data)


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        ("9999-12-31T10:00", "9999 n'est pas plausible"),
        ("1999-06-01T10:00", "1999 n'est pas plausible"),
        ("2020-01-06T10:00", "précède de plus d'un an l'ouverture du bilan"),
        ("2028-09-01T10:00", "plus d'un an après la fin prévue du bilan"),
        ("31/02/2026", "Indiquez une date et une heure valides"),
    ],
)
def test_an_implausible_session_date_is_refused_in_french(world, starts_at, message):
    case = world["case"]
    client, token = _csrf_client(world, "owner")
    response = _create(client, token, case, starts_at=starts_at)
    assert response.status_code == 200
    assert message in _text(response)
    assert not case.sessions.exists()


def test_the_date_field_tells_the_browser_its_bounds(world):
    """From a year before the planned start (2 March 2026, before the case was entered) to a year after the
    later of the planned end and the creation day."""
    case = world["case"]
    client = login_as(Client(), world, "owner")
    form = client.get(reverse("web:session_create", args=[case.pk])).context["form"]
    latest = max(timezone.localdate(case.created_at), case.planned_end)
    attrs = form.fields["starts_at"].widget.attrs
    assert attrs["min"] == "2025-03-02T00:00"
    assert attrs["max"] == f"{latest.replace(year=latest.year + 1):%Y-%m-%d}T23:59"


@pytest.mark.parametrize("minutes", ["10", "500"])
def test_a_duration_outside_15_minutes_to_8_hours_is_refused_with_a_clear_message(world, minutes):
    case = world["case"]
    client, token = _csrf_client(world, "owner")
    response = _create(client, token, case, duration_minutes=minutes)
    assert "Un entretien dure entre 15 minutes et 8 heures (480 minutes)" in _text(response)
    assert not case.sessions.exists()


def test_notes_longer_than_the_maximum_are_refused_and_kept_in_the_form(world):
    case = world["case"]
    client, token = _csrf_client(world, "owner")
    too_long = ("Parcours détaillé. " * 1100).strip()  # 20 899 characters once the final space is trimmed
    response = _create(client, token, case, shared_notes=too_long)
    html = _text(response)
    assert "Ces notes comptent 20\u202f899 caractères, pour 20\u202f000 au plus" in html
    assert "raccourcissez-les de 899 caractères" in html
    assert not case.sessions.exists()
    assert len(too_long) > NOTES_MAX_LENGTH


def test_notes_at_the_maximum_are_accepted(world):
    case = world["case"]
    client, token = _csrf_client(world, "owner")
    response = _create(client, token, case, shared_notes="é" * NOTES_MAX_LENGTH)
    assert response.status_code == 302
    assert len(case.sessions.get().shared_notes) == NOTES_MAX_LENGTH


def test_the_notes_fields_carry_the_counter_and_its_script_with_the_csp_nonce(world):
    case = world["case"]
    client = login_as(Client(), world, "owner")
    response = client.get(reverse("web:session_create", args=[case.pk]))
    html = _text(response)
    assert html.count(f'data-char-counter-max="{NOTES_MAX_LENGTH}"') == 2  # shared and private notes
    nonce = response.wsgi_request.csp_nonce
    assert f'nonce="{nonce}"' in html
    assert "js/char-counter" in html
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


# --- Honest hours ---------------------------------------------------------------------------------------


@pytest.fixture
def four_sessions(world):
    """One held (2 h planned, 1 h 35 real), one planned next week (1 h), one cancelled (1 h 30), one missed
    (45 min): only 1 h 35 is réalisée, 1 h is prévue à venir."""
    case = world["case"]
    now = timezone.now()
    held = _session(case, days=-7, minutes=120)
    session_mark_held(actor=case.counsellor, session=held, held_minutes=95, now=now)
    _session(case, days=7, minutes=60)
    cancelled = _session(case, days=3, minutes=90)
    session_cancel(actor=case.counsellor, session=cancelled, by="person", reason="Enfant malade", now=now)
    missed = _session(case, days=-2, minutes=45)
    session_mark_missed(actor=case.counsellor, session=missed, now=now)
    # A second counsellor on the case: a join through co-counsellors must not count sessions twice.
    case.co_counsellors.add(world["colleague"], factories.counsellor(case.centre))
    return world


def test_the_case_page_counts_held_hours_only_and_shows_planned_apart(four_sessions):
    world = four_sessions
    client = login_as(Client(), world, "owner")
    html = _case_page(client, world["case"])
    assert f"Heures réalisées : <strong>1{NBSP}h{NBSP}35</strong>" in html
    assert f"prévues : <strong>1{NBSP}h</strong>" in html
    assert f"reste 21{NBSP}h{NBSP}25" in html
    # The gauge: a held segment of 95 minutes, then a planned one of 60.
    assert 'class="hours-gauge-held" x="0" y="0" width="95"' in html
    assert 'class="hours-gauge-planned" x="95" y="0" width="60"' in html


def test_the_home_page_counts_held_hours_only(four_sessions):
    client = login_as(Client(), four_sessions, "owner")
    response = client.get(reverse("web:home"))
    (case,) = response.context["open_cases"]
    assert (case.held_minutes, case.planned_minutes_ahead) == (95, 60)
    assert f"1{NBSP}h{NBSP}35 sur 24{NBSP}h" in _text(response)


def test_the_centre_list_and_its_csv_count_held_hours_only(four_sessions):
    client = login_as(Client(), four_sessions, "manager")
    response = client.get(reverse("web:centre_cases"))
    assert response.context["totals"]["held_minutes"] == 95
    assert response.context["totals"]["planned_minutes_ahead"] == 60
    html = _text(response)
    assert f"1{NBSP}h{NBSP}35 d'entretien réalisées" in html
    export = client.get(reverse("web:centre_cases_csv"))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    header, row = rows[0], rows[1]
    assert row[header.index("heures réalisées")] == "1,58"
    assert row[header.index("heures prévues à venir")] == "1,00"
    assert row[header.index("heures prévues")] == "24,00"


def test_the_week_calendar_total_leaves_out_cancelled_and_missed_sessions(world):
    case = world["case"]
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday()) + timedelta(days=7)
    start = timezone.make_aware(timezone.datetime.combine(monday, timezone.datetime.min.time())) + timedelta(hours=9)
    factories.SessionFactory(accompaniment=case, starts_at=start, duration_minutes=90, created_by=case.counsellor)
    cancelled = factories.SessionFactory(
        accompaniment=case, starts_at=start + timedelta(days=1), duration_minutes=60, created_by=case.counsellor
    )
    session_cancel(
        actor=case.counsellor, session=cancelled, by="centre", reason="Salle indisponible", now=timezone.now()
    )
    client = login_as(Client(), world, "owner")
    response = client.get(reverse("web:calendar"), {"semaine": monday.isoformat()})
    assert response.context["total_hours"] == f"1{NBSP}h{NBSP}30"


def test_a_no_show_follow_up_is_shown_on_the_case_page_and_done_from_there(world):
    case = world["case"]
    session = _session(case, days=-1)
    session_mark_missed(actor=case.counsellor, session=session, now=timezone.now())
    task = CaseTask.objects.get(session=session)
    client, _ = _csrf_client(world, "owner")
    page = client.get(reverse("web:case_detail", args=[case.pk]))
    day = timezone.localtime(session.starts_at).strftime("%d/%m")
    assert f"Relancer Sandrine Lefèvre après son absence du {day}" in _text(page)
    response = client.post(
        reverse("web:case_task_done", args=[case.pk, task.pk]),
        {
            "outcome": "Message laissé, rappel prévu",
            "next": "case",
            "csrfmiddlewaretoken": str(page.context["csrf_token"]),
        },
    )
    assert response["Location"] == reverse("web:case_detail", args=[case.pk])
    task.refresh_from_db()
    assert task.outcome == "Message laissé, rappel prévu"
    assert "Relances à faire" not in _text(client.get(reverse("web:case_detail", args=[case.pk])))


def test_a_form_sent_from_an_out_of_date_page_still_shows_its_message(world):
    """The cancel form of a session that has started since is not shown again: its message goes on top."""
    case = world["case"]
    session = _session(case, days=-0.01)
    client, token = _csrf_client(world, "owner")
    response = client.post(
        reverse("web:session_cancel", args=[case.pk, session.pk]),
        {"cancelled_by": "person", "status_reason": "", "csrfmiddlewaretoken": token},
    )
    assert "Indiquez le motif de l'annulation." in [str(m) for m in response.context["messages"]]
    assert reverse("web:session_cancel", args=[case.pk, session.pk]) not in _text(response)
    assert Session.objects.get(pk=session.pk).status == SessionStatus.PLANNED


def test_the_calendar_names_what_became_of_a_session(world):
    case = world["case"]
    session = _session(case, days=-0.05)
    session_mark_missed(actor=case.counsellor, session=session, now=timezone.now())
    client = login_as(Client(), world, "owner")
    day = timezone.localdate(session.starts_at)
    response = client.get(reverse("web:calendar"), {"semaine": day.isoformat()})
    assert '· <span class="agenda-status">absence</span>' in _text(response)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_page_and_the_home_page_do_not_query_once_per_session(world):
    case = world["case"]
    client = login_as(Client(), world, "owner")
    pages = [reverse("web:case_detail", args=[case.pk]), reverse("web:home")]
    counts = []
    for total in (2, 10):
        while case.sessions.count() < total:
            session = _session(case, days=-(case.sessions.count() + 1), minutes=60)
            if case.sessions.count() % 2:
                session_mark_held(actor=case.counsellor, session=session, held_minutes=50, now=timezone.now())
        counts.append([_queries(client, url) for url in pages])
    assert counts[0] == counts[1]
