"""Émargement in a real browser: plan a session, mark it held, the person signs on the pad with the mouse, the
counsellor confirms, the hours are updated and the attendance sheet PDF lists the session."""

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import PASSWORD, AccompanimentFactory, BeneficiaryFactory, CentreFactory, counsellor
from trajectoire import formatting
from trajectoire.cases.attendance import french_date
from trajectoire.cases.models import Attendance, Session
from trajectoire.cases.services import session_mark_held

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Under load (2 cores shared by several test runs) pages and PDFs take a while: wait for states, never sleep.
TIMEOUT = 30_000
SCREENSHOT = Path("/work/notes/attendance_page.png")


def _spaced(text: str) -> str:
    """A regex matching TEXT whatever kind of space the page uses (no-break or not)."""
    return r"\s+".join(re.escape(part) for part in text.split())


def _draw(page, canvas, strokes) -> None:
    """Sign with the mouse: each stroke is a list of (x, y) fractions of the canvas."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 100, "the pad has no size"
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=6)
        page.mouse.up()


SANDRINE = [
    [(0.10, 0.70), (0.18, 0.30), (0.26, 0.70), (0.34, 0.35), (0.42, 0.65)],
    [(0.45, 0.60), (0.55, 0.40), (0.65, 0.62), (0.80, 0.45)],
]
CLAIRE = [[(0.12, 0.55), (0.25, 0.30), (0.35, 0.65), (0.50, 0.40), (0.70, 0.55), (0.85, 0.35)]]


def test_attendance_journey(live_server, page):
    page.set_default_timeout(TIMEOUT)
    centre = CentreFactory(name="CIBC Démo Occitanie")
    user = counsellor(centre, email="claire.martin@exemple.fr", first_name="Claire", last_name="Martin")
    person = BeneficiaryFactory(centre=centre, counsellor=user, first_name="Sandrine", last_name="Lefèvre")
    now = timezone.localtime()
    # The session began two hours ago (it can only be marked held once started), in a case already under way.
    starts = (now - timedelta(hours=2)).replace(second=0, microsecond=0)
    case = AccompanimentFactory(
        beneficiary=person,
        counsellor=user,
        state="preliminary",
        started_on=starts.date() - timedelta(days=7),
        planned_start=starts.date() - timedelta(days=7),
        planned_end=starts.date() + timedelta(days=60),
    )

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Bonjour Claire").wait_for()

    # 1. Plan the session through the case's session form.
    page.goto(f"{live_server.url}/accompagnements/{case.pk}/")
    page.get_by_role("link", name="Nouvel entretien").click()
    page.get_by_label("Date et heure").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Durée (minutes)").fill("120")
    page.get_by_label("Phase").select_option("preliminary")
    page.get_by_label("Notes partagées avec la personne").fill("Analyse de la demande")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("L'entretien est enregistré.").wait_for()
    session = Session.objects.get(accompaniment=case)

    # 2. Mark it held, about 90 minutes instead of the planned 120, from the case page. The field's own min and
    # step say which values the browser accepts (min 1 with step 5 refuses 90: the nearest valid is taken).
    page.goto(f"{live_server.url}/accompagnements/{case.pk}/")
    row = page.locator(f"#entretien-{session.pk}")
    row.get_by_text("Marquer réalisé").click()
    held_field = row.get_by_label("Durée réelle (minutes)")
    minimum = int(held_field.get_attribute("min") or 0)
    step = int(held_field.get_attribute("step") or 1)
    held = minimum + step * -(-(90 - minimum) // step)
    held_field.fill(str(held))
    row.get_by_role("button", name="Confirmer : entretien réalisé").click()
    page.get_by_text("L'entretien est marqué réalisé").wait_for()
    hours = page.locator(".hours-meter").first
    assert re.search(_spaced("Heures réalisées : " + formatting.duration(held)), hours.inner_text())

    # 3. The émargement page: an empty pad is refused with a French message, nothing is recorded.
    page.locator(f"#entretien-{session.pk}").get_by_role("link", name="Émargement").click()
    page.get_by_role("heading", name=re.compile("Émargement de l'entretien")).wait_for()
    page.locator("[data-attendance-pad][data-attendance-ready]").nth(1).wait_for()
    page.get_by_role("button", name="Enregistrer l'émargement").click()
    page.get_by_text("Signature de la personne manquante").wait_for()
    assert not Attendance.objects.exists()

    # 4. The person signs with the mouse, « Effacer » empties the pad, she signs again; the counsellor signs.
    page.goto(page.url)
    page.locator("[data-attendance-pad][data-attendance-ready]").nth(1).wait_for()
    pads = page.locator("canvas.attendance-canvas")
    _draw(page, pads.nth(0), SANDRINE[:1])
    page.locator("#sign-person-state").get_by_text("Signature tracée").wait_for()
    page.get_by_role("button", name="Effacer la signature de Sandrine Lefèvre").click()
    page.locator("#sign-person-state").get_by_text("Cadre vide").wait_for()
    _draw(page, pads.nth(0), SANDRINE)
    page.locator("#sign-person-state").get_by_text("Signature tracée").wait_for()
    _draw(page, pads.nth(1), CLAIRE)
    page.locator("#sign-counsellor-state").get_by_text("Signature tracée").wait_for()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.get_by_role("button", name="Enregistrer l'émargement").click()
    page.get_by_text("Émargement enregistré : signatures de la personne et du conseiller.").wait_for()

    record = Attendance.objects.get()
    assert record.method == "on_site_signature" and record.confirmed_by == user
    assert record.signature_svg.count("<path") >= 4 and record.counsellor_signature_svg.count("<path") >= 4
    signatures = page.locator("img.attendance-signature")
    assert signatures.count() == 2
    # The stored drawings render as images (data: URLs allowed by the CSP): the browser decoded them.
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.attendance-signature')].every(i => i.complete && i.naturalWidth)"
    )

    # A correction is a new record beside the first: choosing recorded evidence hides the pads.
    page.get_by_text("Corriger l'émargement", exact=True).click()
    correction = page.locator("form[action$='/correction/']")
    correction.get_by_label("Preuve consignée par le conseiller").check()
    correction.locator("[data-attendance-pads]").wait_for(state="hidden")
    correction.get_by_label("Motif de la correction").fill("La personne a signé dans le mauvais cadre")
    correction.get_by_label("Preuve de présence").fill("Présente de 10 h à 11 h 30, feuille papier signée au dossier.")
    correction.get_by_role("button", name="Enregistrer la correction").click()
    page.get_by_text("Correction enregistrée").wait_for()
    assert Attendance.objects.count() == 2
    assert Attendance.objects.current().get().corrects == record

    # 5. The hours on the case page count the held session's real duration.
    page.get_by_role("link", name="Retour au bilan").click()
    assert re.search(
        _spaced("Heures réalisées : " + formatting.duration(held)), page.locator(".hours-meter").first.inner_text()
    )

    # 6. The attendance sheet lists the session with its duration and proofs.
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name="Feuille d'émargement (PDF)").click()
    pdf = PdfReader(BytesIO(Path(download_info.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Feuille d'émargement" in text
    assert "CIBC Démo Occitanie" in text
    assert "Sandrine LEFÈVRE" in text
    assert french_date(starts) in text
    assert "preuve consignée par le conseiller" in text
    assert "La personne a signé dans le mauvais cadre" in text
    assert "Claire Martin, le" in text
    assert f"Total des heures réalisées {' '.join(formatting.duration(held).split())}" in text
    assert "Non émargé" not in text


def _touch_draw(page, canvas, strokes) -> None:
    """Sign with a finger: touch events sent through the DevTools protocol, as a tablet's screen sends them."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cdp = page.context.new_cdp_session(page)
    for stroke in strokes:
        points = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke]
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]}
        )
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            for i in range(1, 7):
                point = {"x": x0 + (x1 - x0) * i / 6, "y": y0 + (y1 - y0) * i / 6}
                cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_signing_with_a_finger_on_a_tablet(live_server, browser):
    centre = CentreFactory(name="CIBC Démo Occitanie")
    user = counsellor(centre, email="claire.martin@exemple.fr", first_name="Claire", last_name="Martin")
    person = BeneficiaryFactory(centre=centre, counsellor=user, first_name="Aïcha", last_name="Benali")
    case = AccompanimentFactory(beneficiary=person, counsellor=user, state="preliminary")
    session = Session.objects.create(
        accompaniment=case,
        starts_at=timezone.now() - timedelta(hours=3),
        duration_minutes=60,
        phase="preliminary",
        created_by=user,
    )
    session_mark_held(actor=user, session=session, held_minutes=60, now=timezone.now())

    context = browser.new_context(locale="fr-FR", has_touch=True, viewport={"width": 820, "height": 1180})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Adresse e-mail").fill(user.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("heading", name="Bonjour Claire").wait_for()
        page.goto(f"{live_server.url}/accompagnements/{case.pk}/entretiens/{session.pk}/emargement/")
        page.locator("[data-attendance-pad][data-attendance-ready]").nth(1).wait_for()
        pads = page.locator("canvas.attendance-canvas")
        _touch_draw(page, pads.nth(0), SANDRINE)
        page.locator("#sign-person-state").get_by_text("Signature tracée").wait_for()
        _touch_draw(page, pads.nth(1), CLAIRE)
        page.locator("#sign-counsellor-state").get_by_text("Signature tracée").wait_for()
        # The label elides before a vowel: « Signature d'Aïcha Benali ».
        assert page.get_by_text("Signature d’Aïcha Benali").count() == 1
        page.get_by_role("button", name="Enregistrer l'émargement").click()
        page.get_by_text("Émargement enregistré").first.wait_for()
    finally:
        context.close()
    record = Attendance.objects.get()
    assert record.signature_svg.count("<path") >= 4 and record.counsellor_signature_svg.count("<path") >= 4
