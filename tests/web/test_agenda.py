"""The agenda: time grid, navigation, who sees whose sessions, planning from a free slot, the ICS feed and the
person's cancellation link."""

import html as htmllib
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests import factories
from tests.conftest import login_as
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import AuditEvent, CalendarFeed
from trajectoire.cases.agenda import cancel_token, session_uid
from trajectoire.cases.enums import SessionStatus
from trajectoire.cases.models import Session
from trajectoire.cases.services import consent_record, session_cancel, session_mark_held, session_mark_missed
from trajectoire.cases.workflow import accompaniment_start
from trajectoire.web.agenda import grid

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def _start(case):
    consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 3, 2)}
    )
    accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))


@pytest.fixture
def world(case_world):
    _start(case_world["case"])
    return case_world


def _paris(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def _session(case, starts_at, minutes=90, **extra) -> Session:
    return factories.SessionFactory(
        accompaniment=case, starts_at=starts_at, duration_minutes=minutes, created_by=case.counsellor, **extra
    )


def _text(response) -> str:
    return htmllib.unescape(response.content.decode())


def _next_monday() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday()) + timedelta(days=7)


# --- The grid ------------------------------------------------------------------------------------------------


def test_a_session_at_half_past_nine_for_ninety_minutes_covers_rows_four_to_six():
    assert grid.rows_of(datetime(2026, 3, 10, 9, 30), 90) == (4, 3)
    assert grid.rows_of(datetime(2026, 3, 10, 8, 0), 30) == (1, 1)
    # Off the half-hour: the rows it touches. Outside the hours: pinned to the edge, never zero rows.
    assert grid.rows_of(datetime(2026, 3, 10, 9, 45), 30) == (4, 2)
    assert grid.rows_of(datetime(2026, 3, 10, 7, 0), 30) == (1, 1)
    assert grid.rows_of(datetime(2026, 3, 10, 19, 0), 120) == (23, 2)
    assert grid.rows_of(datetime(2026, 3, 10, 21, 0), 60) == (24, 1)


def test_overlapping_sessions_share_the_width_and_the_others_take_all_of_it():
    day = date(2026, 3, 10)
    column = grid.column(
        day,
        [
            ("a", datetime(2026, 3, 10, 9, 0), 120),
            ("b", datetime(2026, 3, 10, 10, 0), 60),
            ("c", datetime(2026, 3, 10, 14, 0), 60),
        ],
    )
    lanes = {p.item: (p.lane, p.alone) for p in column.placed}
    assert lanes == {"a": (1, False), "b": (2, False), "c": (1, True)}
    assert column.lanes == 2
    assert 3 not in column.free_rows and 13 not in column.free_rows
    assert {1, 2, 7, 12, 15} <= set(column.free_rows)


def test_the_week_grid_places_a_session_by_its_start_and_length(world):
    case = world["case"]
    monday = _next_monday()
    tuesday = monday + timedelta(days=1)
    session = _session(case, _paris(tuesday.year, tuesday.month, tuesday.day, 9, 30))
    response = login_as(Client(), world, "owner").get(reverse("web:calendar"), {"du": monday.isoformat()})
    page = _text(response)
    block = re.search(rf'<a class="agenda-session [^"]*"\s+href="[^"]*"\s+data-session="{session.pk}"', page)
    assert block, "the session is not in the grid"
    assert "status-planned slot-r4 span-3 lane-full" in block.group(0)
    assert f"9{NBSP}h{NBSP}30 – 11{NBSP}h" in page
    assert "Sandrine Lefèvre" in page and "prévu" in page
    # Its rows are not offered as free slots; the row before it is.
    tuesday = tuesday.isoformat()
    column = page.split(f'data-day="{tuesday}"', 1)[1].split("</div>", 1)[0]
    assert 'data-slot="4"' not in column and 'data-slot="6"' not in column
    assert 'data-slot="3"' in column and 'data-slot="7"' in column
    assert f"debut={tuesday}T09%3A00" in column


def test_each_status_is_written_out_and_coloured(world):
    case = world["case"]
    now = timezone.now()
    held = _session(case, now - timedelta(days=2), minutes=60)
    session_mark_held(actor=case.counsellor, session=held, held_minutes=60, now=now)
    cancelled = _session(case, now - timedelta(days=1), minutes=60)
    session_cancel(actor=case.counsellor, session=cancelled, by="person", reason="Malade", now=now)
    missed = _session(case, now - timedelta(hours=3), minutes=60)
    session_mark_missed(actor=case.counsellor, session=missed, now=now)
    client = login_as(Client(), world, "owner")
    page = _text(client.get(reverse("web:calendar"), {"vue": "liste", "du": (now - timedelta(days=2)).date()}))
    page += _text(client.get(reverse("web:calendar"), {"vue": "liste", "du": now.date()}))
    for status, label in (("held", "réalisé"), ("cancelled", "annulé"), ("missed", "absence")):
        assert re.search(
            rf'status-{status}"[^>]*>\s*<span class="d-block">[^<]*· <span class="agenda-status">{label}<', page
        )


def test_today_is_marked_in_the_day_view_and_in_the_week(world):
    client = login_as(Client(), world, "owner")
    page = _text(client.get(reverse("web:calendar"), {"vue": "jour"}))
    assert "agenda-day-head agenda-col-1 is-today" in page
    assert "aujourd'hui</span>" in page
    week = _text(client.get(reverse("web:calendar")))
    if timezone.localdate().weekday() < 6:
        assert week.count("agenda-day-head") == 6
        assert re.search(rf'agenda-day-head agenda-col-\d is-today"\s+id="jour-{timezone.localdate():%Y-%m-%d}"', week)
    other = _text(client.get(reverse("web:calendar"), {"semaine": "2026-W11"}))
    assert "is-today" not in other and "aujourd'hui</span>" not in other


def test_weeks_are_chosen_by_iso_week_or_by_day_and_navigate(world):
    client = login_as(Client(), world, "owner")
    response = client.get(reverse("web:calendar"), {"semaine": "2026-W11"})
    assert response.context["title"] == "Semaine du 9 mars 2026"
    assert response.context["nav"]["previous"].endswith("?semaine=2026-W10")
    assert response.context["nav"]["next"].endswith("?semaine=2026-W12")
    assert client.get(reverse("web:calendar"), {"du": "2026-03-14"}).context["title"] == "Semaine du 9 mars 2026"
    # Older links gave a date as « semaine ».
    assert client.get(reverse("web:calendar"), {"semaine": "2026-03-11"}).context["title"] == "Semaine du 9 mars 2026"
    day = client.get(reverse("web:calendar"), {"vue": "jour", "du": "2026-03-10"})
    assert day.context["title"] == "Mardi 10 mars 2026"
    assert day.context["nav"]["next"].endswith("?vue=jour&du=2026-03-11")


def test_a_week_that_cannot_be_read_says_so_and_shows_the_current_one(world):
    client = login_as(Client(), world, "owner")
    response = client.get(reverse("web:calendar"), {"semaine": "2026-W99"})
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "La semaine « 2026-W99 » n'est pas reconnue (forme attendue : 2026-W11) : voici la semaine en cours."
    ]
    assert response.context["title"] == f"Semaine du {_french(timezone.localdate())}"


def _french(day: date) -> str:
    from trajectoire.cases.attendance import french_day

    return french_day(day - timedelta(days=day.weekday()))


def test_a_sunday_session_adds_the_sunday_column(world):
    client = login_as(Client(), world, "owner")
    assert len(client.get(reverse("web:calendar"), {"semaine": "2026-W11"}).context["columns"]) == 6
    _session(world["case"], _paris(2026, 3, 15, 10, 0))
    columns = client.get(reverse("web:calendar"), {"semaine": "2026-W11"}).context["columns"]
    assert [c["name"] for c in columns][-1] == "dimanche"


def test_the_phone_list_is_in_the_week_page_for_narrow_screens(world):
    _session(world["case"], _paris(2026, 3, 10, 9, 30))
    page = _text(login_as(Client(), world, "owner").get(reverse("web:calendar"), {"semaine": "2026-W11"}))
    assert 'class="agenda-week days-6 collapsible"' in page
    fallback = page.split('class="agenda-list-fallback"', 1)[1]
    assert "Mardi 10 mars 2026" in fallback and "Sandrine Lefèvre" in fallback
    css = Path("trajectoire/static/css/agenda.css").read_text()
    assert re.search(r"@media \(max-width: 600px\) \{\s*\.agenda-week\.collapsible \{\s*display: none;", css)
    assert " style=" not in page


# --- Scope ---------------------------------------------------------------------------------------------------


@pytest.fixture
def team(world):
    """Claire's case, a case she co-counsels, a colleague's case, and a case of another centre at the same hour."""
    centre = world["case"].centre
    colleague = world["colleague"]
    theirs = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, first_name="Karim", last_name="Benali"),
        counsellor=colleague,
        state="preliminary",
    )
    shared = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, first_name="Aïcha", last_name="Diallo"),
        counsellor=colleague,
        state="preliminary",
    )
    shared.co_counsellors.add(world["owner"])
    # The manager also manages this centre; Occitanie comes first, so it is the current one.
    elsewhere_centre = factories.CentreFactory(name="Relais Bretagne")
    elsewhere = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=elsewhere_centre, first_name="Yannick", last_name="Le Goff"),
        state="preliminary",
    )
    factories.MembershipFactory(user=world["manager"], centre=elsewhere_centre, role="manager")
    for case, hour in ((world["case"], 9), (theirs, 11), (shared, 14), (elsewhere, 16)):
        _session(case, _paris(2026, 3, 10, hour, 0))
    return {**world, "theirs": theirs, "shared": shared, "elsewhere": elsewhere}


def _names(response) -> set[str]:
    return {s.accompaniment.beneficiary.first_name for s in response.context["sessions"]}


def test_a_counsellor_sees_their_cases_and_those_they_co_counsel_only(team):
    response = login_as(Client(), team, "owner").get(reverse("web:calendar"), {"semaine": "2026-W11"})
    assert _names(response) == {"Sandrine", "Aïcha"}
    assert "Karim" not in _text(response) and "Yannick" not in _text(response)
    assert 'name="conseiller"' not in _text(response)
    # Asking for a colleague changes nothing for a counsellor.
    asked = login_as(Client(), team, "owner").get(
        reverse("web:calendar"), {"semaine": "2026-W11", "conseiller": team["colleague"].pk}
    )
    assert _names(asked) == {"Sandrine", "Aïcha"}


def test_a_manager_sees_the_team_or_one_counsellor_and_never_another_centre(team):
    client = login_as(Client(), team, "manager")
    assert _names(client.get(reverse("web:calendar"), {"semaine": "2026-W11"})) == set()
    everyone = client.get(reverse("web:calendar"), {"semaine": "2026-W11", "conseiller": "equipe"})
    assert _names(everyone) == {"Sandrine", "Karim", "Aïcha"}
    page = _text(everyone)
    assert "Agenda de toute l'équipe." in page and "Claire Martin" in page
    assert everyone.context["nav"]["next"].endswith("conseiller=equipe")
    colleague = client.get(reverse("web:calendar"), {"semaine": "2026-W11", "conseiller": team["colleague"].pk})
    assert _names(colleague) == {"Karim", "Aïcha"}
    outsider = factories.counsellor(factories.CentreFactory())
    refused = client.get(reverse("web:calendar"), {"semaine": "2026-W11", "conseiller": outsider.pk})
    assert _names(refused) == set()
    assert "Ce conseiller ne travaille pas dans ce centre" in _text(refused)


def test_the_agenda_records_how_many_people_it_showed(team):
    AuditEvent.objects.all().delete()
    login_as(Client(), team, "manager").get(reverse("web:calendar"), {"semaine": "2026-W11", "conseiller": "equipe"})
    row = AuditEvent.objects.get(action=AuditAction.LIST, object_type="cases.session")
    assert row.shown_count == 3
    assert row.actor == team["manager"]
    assert row.centre_id == team["case"].centre_id


# --- Planning from a free slot -------------------------------------------------------------------------------


def test_a_free_slot_leads_to_the_case_choice_then_to_the_prefilled_session_form(world, csrf_client):
    case = world["case"]
    waiting = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=case.centre, first_name="Lucas", last_name="Moreau"),
        counsellor=world["owner"],
    )  # still a request: no session yet
    monday = _next_monday()
    slot = f"{monday + timedelta(days=1):%Y-%m-%d}T09:30"
    client = login_as(csrf_client, world, "owner")
    week = _text(client.get(reverse("web:calendar"), {"du": monday.isoformat()}))
    assert f"/agenda/planifier/?debut={slot.replace(':', '%3A')}" in week

    plan = client.get(reverse("web:agenda_plan"), {"debut": slot})
    assert plan.context["when"].startswith("mardi ")
    urls = [c["url"] for c in plan.context["choices"]]
    assert urls == [reverse("web:session_create", args=[case.pk]) + f"?depuis=agenda&debut={slot.replace(':', '%3A')}"]
    assert waiting.beneficiary.full_name not in _text(plan)

    form_page = client.get(urls[0])
    assert f'value="{slot}"' in _text(form_page)
    mail.outbox.clear()
    response = client.post(
        urls[0],
        {
            "starts_at": slot,
            "duration_minutes": 90,
            "mode": "on_site",
            "phase": "preliminary",
            "csrfmiddlewaretoken": str(form_page.context["csrf_token"]),
        },
    )
    session = Session.objects.get(accompaniment=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:calendar") + f"?du={monday + timedelta(days=1):%Y-%m-%d}"
    assert f"{timezone.localtime(session.starts_at):%Y-%m-%dT%H:%M}" == slot
    week = _text(client.get(response["Location"]))
    assert f'data-session="{session.pk}"' in week and "slot-r4 span-3" in week


def test_planning_sends_the_invitation_only_once_committed(world, django_capture_on_commit_callbacks):
    case = world["case"]
    client = login_as(Client(), world, "owner")
    start = timezone.localtime(timezone.now() + timedelta(days=3)).replace(hour=10, minute=0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("web:session_create", args=[case.pk]),
            {"starts_at": f"{start:%Y-%m-%dT%H:%M}", "duration_minutes": 60, "mode": "remote", "phase": "preliminary"},
        )
    assert [m.to for m in mail.outbox] == [[case.beneficiary.email]]
    assert mail.outbox[0].attachments[0][0] == "invitation.ics"


def test_a_slot_that_cannot_be_read_says_so_and_still_offers_the_cases(world):
    response = login_as(Client(), world, "owner").get(reverse("web:agenda_plan"), {"debut": "demain matin"})
    assert "L'horaire « demain matin » n'est pas reconnu" in _text(response)
    assert len(response.context["choices"]) == 1
    assert "debut" not in response.context["choices"][0]["url"]


def test_past_slots_are_not_offered(world):
    page = _text(login_as(Client(), world, "owner").get(reverse("web:calendar"), {"semaine": "2026-W11"}))
    assert "/agenda/planifier/?debut=" not in page


# --- ICS feed ------------------------------------------------------------------------------------------------


def _create_feed(client) -> str:
    page = client.get(reverse("web:agenda_feeds"))
    response = client.post(reverse("web:agenda_feeds"), {"csrfmiddlewaretoken": str(page.context["csrf_token"])})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    url = response.context["new_url"]
    return url.split("testserver", 1)[1]


def test_the_feed_lists_planned_held_and_cancelled_sessions_without_private_details(team, csrf_client):
    case = team["case"]
    now = timezone.now().replace(second=0, microsecond=0)
    planned = _session(case, now + timedelta(days=5), private_notes="Parle de sa dépression", shared_notes="Bilan")
    held = _session(case, now - timedelta(days=3), minutes=60)
    session_mark_held(actor=case.counsellor, session=held, held_minutes=45, now=now)
    cancelled = _session(case, now + timedelta(days=6))
    session_cancel(actor=case.counsellor, session=cancelled, by="person", reason="Hospitalisation", now=now)
    missed = _session(case, now - timedelta(days=1))
    session_mark_missed(actor=case.counsellor, session=missed, now=now)
    too_old = _session(case, now - timedelta(days=40))
    for other in ("shared", "theirs", "elsewhere"):
        _session(team[other], now + timedelta(days=2))
    client = login_as(csrf_client, team, "owner")
    path = _create_feed(client)
    assert "/agenda/ics/" in path
    assert client.get(reverse("web:agenda_feeds")).context["new_url"] == ""  # shown once

    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    for secret in ("dépression", "Hospitalisation", "Lefèvre", "Bilan", "Benali", "Le Goff"):
        assert secret not in body
    events = {str(e["uid"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    uid = session_uid(planned)
    assert uid == f"entretien-{planned.pk}@127.0.0.1"
    assert set(events) >= {session_uid(planned), session_uid(held), session_uid(cancelled)}
    assert session_uid(missed) not in events and session_uid(too_old) not in events
    event = events[uid]
    assert str(event["summary"]) == "Entretien — Sandrine L. (phase préliminaire)"
    assert event.decoded("dtstart") == planned.starts_at.astimezone(UTC)
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert f"DTSTART:{planned.starts_at.astimezone(UTC):%Y%m%dT%H%M%S}Z" in body
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
    assert str(event["status"]) == "CONFIRMED"
    assert str(events[session_uid(cancelled)]["status"]) == "CANCELLED"
    assert events[session_uid(held)].decoded("dtend") - events[session_uid(held)].decoded("dtstart") == timedelta(
        minutes=45
    )
    # The co-counselled case is there, the colleague's own case is not (nor another centre's).
    summaries = {str(e["summary"]) for e in events.values()}
    assert "Entretien — Aïcha D. (phase préliminaire)" in summaries
    assert not any("Karim" in s or "Yannick" in s for s in summaries)
    # The same UIDs on the next read; « dernière lecture » is recorded, and the read in the audit log.
    assert {str(e["uid"]) for e in Calendar.from_ical(Client().get(path).content).walk("VEVENT")} == set(events)
    feed = CalendarFeed.objects.get(user=team["owner"])
    assert feed.last_used_at is not None
    export = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=team["owner"]).first()
    assert export.shown_count == 2 and export.centre_id == case.centre_id


def test_a_revoked_or_replaced_feed_answers_404_at_once(world, csrf_client):
    client = login_as(csrf_client, world, "owner")
    path = _create_feed(client)
    assert Client().get(path).status_code == 200
    feed = CalendarFeed.objects.get(user=world["owner"])
    page = client.get(reverse("web:agenda_feeds"))
    assert "Révoquer" in _text(page)
    client.post(
        reverse("web:agenda_feed_revoke", args=[feed.pk]), {"csrfmiddlewaretoken": str(page.context["csrf_token"])}
    )
    assert Client().get(path).status_code == 404
    second = _create_feed(client)
    assert Client().get(second).status_code == 200
    third = _create_feed(client)
    assert Client().get(second).status_code == 404
    assert Client().get(third).status_code == 200
    assert Client().get("/agenda/ics/pas-un-jeton.ics").status_code == 404
    assert CalendarFeed.objects.filter(user=world["owner"], revoked_at__isnull=True).count() == 1


def test_a_feed_cannot_be_revoked_by_someone_else(world, csrf_client):
    path = _create_feed(login_as(Client(), world, "owner"))
    feed = CalendarFeed.objects.get(user=world["owner"])
    client = login_as(csrf_client, world, "manager")
    page = client.get(reverse("web:agenda_feeds"))
    response = client.post(
        reverse("web:agenda_feed_revoke", args=[feed.pk]), {"csrfmiddlewaretoken": str(page.context["csrf_token"])}
    )
    assert response.status_code == 404
    assert Client().get(path).status_code == 200


def test_the_feed_stops_when_the_counsellor_leaves_the_centre(world):
    case = world["case"]
    _session(case, timezone.now() + timedelta(days=2))
    path = _create_feed(login_as(Client(), world, "owner"))
    world["owner"].memberships.update(is_active=False)
    assert Calendar.from_ical(Client().get(path).content).walk("VEVENT") == []


# --- The person's cancellation link -------------------------------------------------------------------------


def _cancel_page(client, session):
    return client.get(reverse("web:session_person_cancel", args=[cancel_token(session)]))


def test_the_person_cancels_with_a_reason_and_the_counsellor_is_told(
    world, csrf_client, django_capture_on_commit_callbacks
):
    case = world["case"]
    session = _session(case, timezone.now() + timedelta(days=4), private_notes="Note privée")
    page = _cancel_page(csrf_client, session)
    text = _text(page)
    assert page.status_code == 200
    assert "Claire Martin" in text and "Note privée" not in text and "Lefèvre" not in text
    url = reverse("web:session_person_cancel", args=[cancel_token(session)])
    token = str(page.context["csrf_token"])
    empty = csrf_client.post(url, {"reason": "  ", "csrfmiddlewaretoken": token})
    assert "Indiquez en quelques mots pourquoi vous annulez" in _text(empty)
    assert Session.objects.get(pk=session.pk).status == SessionStatus.PLANNED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = csrf_client.post(url, {"reason": "Empêchement professionnel", "csrfmiddlewaretoken": token})
    assert "est annulé" in _text(done)
    session.refresh_from_db()
    assert (session.status, session.cancelled_by, session.status_reason) == (
        SessionStatus.CANCELLED,
        "person",
        "Empêchement professionnel",
    )
    assert session.status_changed_by is None
    assert [m.to for m in mail.outbox] == [[world["owner"].email]]
    assert "Sandrine Lefèvre a annulé l'entretien du" in mail.outbox[0].body
    assert "Empêchement" not in mail.outbox[0].body
    # Replay: the same link now says it is already done, and nothing else is sent.
    with django_capture_on_commit_callbacks(execute=True):
        again = csrf_client.post(url, {"reason": "Encore", "csrfmiddlewaretoken": token})
    assert "Cet entretien est déjà annulé" in _text(again)
    assert len(mail.outbox) == 1
    assert Session.objects.get(pk=session.pk).status_reason == "Empêchement professionnel"


def test_a_cancellation_without_the_form_token_is_refused(world, csrf_client):
    session = _session(world["case"], timezone.now() + timedelta(days=4))
    url = reverse("web:session_person_cancel", args=[cancel_token(session)])
    assert csrf_client.post(url, {"reason": "Empêchement"}).status_code == 403
    assert Session.objects.get(pk=session.pk).status == SessionStatus.PLANNED


def test_a_modified_link_or_a_passed_session_gets_a_clear_page(world, client):
    case = world["case"]
    session = _session(case, timezone.now() + timedelta(days=4))
    token = cancel_token(session)
    tampered = client.get(reverse("web:session_person_cancel", args=[token[:-2] + "xx"]))
    assert tampered.status_code == 400
    assert "incomplet ou a été modifié" in _text(tampered)
    other = _session(case, timezone.now() + timedelta(days=5))
    swapped = token.replace(str(session.pk), str(other.pk), 1)
    assert client.get(reverse("web:session_person_cancel", args=[swapped])).status_code == 400
    past = _session(case, timezone.now() - timedelta(hours=1))
    expired = client.get(reverse("web:session_person_cancel", args=[cancel_token(past)]))
    assert expired.status_code == 410
    assert "l'heure de l'entretien est passée" in _text(expired)
    response = client.post(reverse("web:session_person_cancel", args=[cancel_token(past)]), {"reason": "Retard"})
    assert response.status_code == 410
    assert Session.objects.get(pk=past.pk).status == SessionStatus.PLANNED


def test_the_week_does_not_query_once_per_session(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = world["case"]
    client = login_as(Client(), world, "owner")
    counts = []
    for total in (2, 12):
        Session.objects.filter(accompaniment=case).delete()
        for i in range(total):
            _session(case, _paris(2026, 3, 9 + i % 6, 8 + i % 10, 0), minutes=60)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("web:calendar"), {"semaine": "2026-W11"}).status_code == 200
        counts.append(len(queries))
    print(f"agenda week queries: {counts[0]} with 2 sessions, {counts[1]} with 12")
    assert counts[0] == counts[1]
