"""The agenda in a real browser: the counsellor opens next week, clicks a free slot, picks the case, saves, and the
session appears in the grid at its place. Screenshots of the week (desktop) and of the phone list (390 px)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import (
    PASSWORD,
    AccompanimentFactory,
    BeneficiaryFactory,
    CentreFactory,
    SessionFactory,
    counsellor,
)
from trajectoire.cases.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30_000  # under load pages take a while: wait for states, never sleep
WEEK_SHOT = Path("/work/notes/agenda_week.png")
PHONE_SHOT = Path("/work/notes/agenda_phone.png")


def _login(page, url, user):
    page.goto(f"{url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name=re.compile(f"Bonjour {user.first_name}")).wait_for()


def test_plan_a_session_from_a_free_slot_of_the_week(live_server, page):
    page.set_default_timeout(TIMEOUT)
    centre = CentreFactory(name="CIBC Démo Occitanie")
    user = counsellor(centre, email="claire.martin@exemple.fr", first_name="Claire", last_name="Martin")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    case = AccompanimentFactory(
        beneficiary=BeneficiaryFactory(centre=centre, counsellor=user, first_name="Sandrine", last_name="Lefèvre"),
        counsellor=user,
        state="preliminary",
        started_on=today - timedelta(days=7),
        planned_start=today - timedelta(days=7),
        planned_end=today + timedelta(days=90),
    )
    other = AccompanimentFactory(
        beneficiary=BeneficiaryFactory(centre=centre, counsellor=user, first_name="Karim", last_name="Benali"),
        counsellor=user,
        state="investigation",
        planned_start=today - timedelta(days=30),
        planned_end=today + timedelta(days=60),
    )
    # A few sessions already in the week, one of each status the screenshot should show.
    zone = timezone.get_current_timezone()

    def at(day_offset, hour, minute=0):
        return timezone.datetime.combine(
            monday + timedelta(days=day_offset), timezone.datetime.min.time(), zone
        ).replace(hour=hour, minute=minute)

    SessionFactory(accompaniment=other, starts_at=at(0, 10), duration_minutes=120, phase="investigation")
    SessionFactory(accompaniment=other, starts_at=at(2, 14), duration_minutes=90, phase="investigation")
    SessionFactory(
        accompaniment=other, starts_at=at(3, 9), duration_minutes=60, phase="investigation", status="cancelled"
    )

    _login(page, live_server.url, user)
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.get_by_role("link", name="Semaine suivante").click()
    page.get_by_role("heading", name=re.compile(r"^Semaine du")).wait_for()
    tuesday = monday + timedelta(days=1)
    column = page.locator(f'.agenda-day-body[data-day="{tuesday:%Y-%m-%d}"]')
    column.locator('a.agenda-free[data-slot="4"]').click()  # 9 h 30

    page.get_by_role("heading", name="Planifier un entretien").wait_for()
    page.get_by_role("link", name="Sandrine Lefèvre").click()
    page.get_by_role("heading", name="Nouvel entretien").wait_for()
    assert page.get_by_label("Date et heure").input_value() == f"{tuesday:%Y-%m-%d}T09:30"
    page.get_by_label("Durée (minutes)").fill("90")
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_text("L'entretien est enregistré.").wait_for()
    session = Session.objects.get(accompaniment=case)
    block = page.locator(f'.agenda-session[data-session="{session.pk}"]')
    block.wait_for()
    assert re.search(r"\bslot-r4\b.*\bspan-3\b", block.get_attribute("class"))
    assert "Sandrine Lefèvre" in block.inner_text()
    assert block.bounding_box()["height"] > 2 * column.locator('a.agenda-free[data-slot="1"]').bounding_box()["height"]
    page.screenshot(path=str(WEEK_SHOT), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    fallback = page.locator(".agenda-list-fallback")
    fallback.wait_for(state="visible")
    assert not page.locator(".agenda-week").is_visible()
    assert "Sandrine Lefèvre" in fallback.inner_text()
    page.screenshot(path=str(PHONE_SHOT), full_page=True)
