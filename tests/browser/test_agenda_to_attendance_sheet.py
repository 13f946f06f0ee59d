"""The whole day-to-day journey of issue 10 in a real browser: a session planned from a free slot of the agenda is
later marked held on its own page, the person signs on the pad and the counsellor confirms, the case's hours held
count it, and the attendance sheet PDF lists it.

A session can only be marked held once it has started, and the agenda offers only future slots. Between planning
and holding, the test lets time pass the one way it can without patching the clock inside the live server: it
moves the planned session two weeks back (same weekday, same time of day), as if those weeks had gone by."""

import re
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.browser.test_attendance_journey import CLAIRE, SANDRINE, _draw, _spaced
from tests.factories import PASSWORD, AccompanimentFactory, BeneficiaryFactory, CentreFactory, counsellor
from trajectoire import formatting
from trajectoire.cases.attendance import french_date
from trajectoire.cases.models import Attendance, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60_000  # under load pages and PDFs take a while: wait for states, never sleep


def _hours_text(page) -> str:
    return page.locator(".hours-meter").first.inner_text()


def test_a_session_planned_from_the_agenda_ends_on_the_attendance_sheet(live_server, page):
    page.set_default_timeout(TIMEOUT)
    centre = CentreFactory(name="CIBC Démo Occitanie")
    user = counsellor(centre, email="claire.martin@exemple.fr", first_name="Claire", last_name="Martin")
    person = BeneficiaryFactory(centre=centre, counsellor=user, first_name="Sandrine", last_name="Lefèvre")
    today = timezone.localdate()
    case = AccompanimentFactory(
        beneficiary=person,
        counsellor=user,
        state="preliminary",
        started_on=today - timedelta(days=30),
        planned_start=today - timedelta(days=30),
        planned_end=today + timedelta(days=90),
    )

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Bonjour Claire").wait_for()

    # 1. Plan from the agenda: next week, Tuesday's free slot at 9 h 30, for Sandrine's case.
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.get_by_role("link", name="Semaine suivante").click()
    page.get_by_role("heading", name=re.compile(r"^Semaine du")).wait_for()
    tuesday = today - timedelta(days=today.weekday()) + timedelta(days=8)
    column = page.locator(f'.agenda-day-body[data-day="{tuesday:%Y-%m-%d}"]')
    column.locator('a.agenda-free[data-slot="4"]').click()
    page.get_by_role("heading", name="Planifier un entretien").wait_for()
    page.get_by_role("link", name="Sandrine Lefèvre").click()
    page.get_by_role("heading", name="Nouvel entretien").wait_for()
    assert page.get_by_label("Date et heure").input_value() == f"{tuesday:%Y-%m-%d}T09:30"
    page.get_by_label("Durée (minutes)").fill("120")
    page.get_by_label("Phase").select_option("preliminary")
    page.get_by_label("Notes partagées avec la personne").fill("Analyse de la demande et des contraintes horaires")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("L'entretien est enregistré.").wait_for()
    session = Session.objects.get(accompaniment=case)
    page.locator(f'.agenda-session[data-session="{session.pk}"]').wait_for()
    planned_at = datetime.combine(tuesday, datetime.min.time(), timezone.get_current_timezone()).replace(
        hour=9, minute=30
    )
    assert session.starts_at == planned_at and session.status == "planned"

    # 2. Two weeks go by: the session now lies in the past (6 to 12 days ago, whatever today's weekday).
    held_at = planned_at - timedelta(days=14)
    Session.objects.filter(pk=session.pk).update(starts_at=held_at)
    page.goto(f"{live_server.url}/accompagnements/{case.pk}/")
    assert re.search(_spaced("Heures réalisées : " + formatting.duration(0)), _hours_text(page))

    # 3. The session's own page, reached from the agenda's week where it now stands: mark it held, 105 minutes.
    page.goto(f"{live_server.url}/agenda/?du={held_at:%Y-%m-%d}")
    page.locator(f'.agenda-session[data-session="{session.pk}"]').click()
    page.get_by_role("heading", name=re.compile("Modifier l'entretien du")).wait_for()
    page.get_by_text("Marquer réalisé").click()
    held_field = page.get_by_label("Durée réelle (minutes)")
    held_field.fill("105")
    page.get_by_role("button", name="Confirmer : entretien réalisé").click()
    page.get_by_text("L'entretien est marqué réalisé").wait_for()
    session.refresh_from_db()
    assert session.status == "held" and session.held_minutes == 105

    # 4. The hours held on the case page count it: 1 h 45 held, nothing planned any more.
    assert re.search(_spaced("Heures réalisées : " + formatting.duration(105)), _hours_text(page))
    row = page.locator(f"#entretien-{session.pk}")
    row.get_by_text("à émarger").wait_for()

    # 5. Émargement: the person signs on the pad, the counsellor signs to confirm.
    row.get_by_role("link", name="Émargement").click()
    page.get_by_role("heading", name=re.compile("Émargement de l'entretien")).wait_for()
    page.locator("[data-attendance-pad][data-attendance-ready]").nth(1).wait_for()
    pads = page.locator("canvas.attendance-canvas")
    _draw(page, pads.nth(0), SANDRINE)
    page.locator("#sign-person-state").get_by_text("Signature tracée").wait_for()
    _draw(page, pads.nth(1), CLAIRE)
    page.locator("#sign-counsellor-state").get_by_text("Signature tracée").wait_for()
    page.get_by_role("button", name="Enregistrer l'émargement").click()
    page.get_by_text("Émargement enregistré : signatures de la personne et du conseiller.").wait_for()
    record = Attendance.objects.get(session=session)
    assert record.method == "on_site_signature" and record.confirmed_by == user

    # 6. Back on the case: still 1 h 45 held, the session now « émargé »; the sheet lists it.
    page.get_by_role("link", name="Retour au bilan").click()
    assert re.search(_spaced("Heures réalisées : " + formatting.duration(105)), _hours_text(page))
    page.locator(f"#entretien-{session.pk}").get_by_text("émargé", exact=True).wait_for()
    with page.expect_download(timeout=TIMEOUT) as download_info:
        page.get_by_role("link", name="Feuille d'émargement (PDF)").click()
    pdf = PdfReader(BytesIO(Path(download_info.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Feuille d'émargement" in text
    assert "Sandrine LEFÈVRE" in text
    assert french_date(held_at) in text
    assert f"Total des heures réalisées {' '.join(formatting.duration(105).split())}" in text
    assert "Non émargé" not in text
