"""Émargement pages through the test client: permissions, CSRF, the three proofs, corrections, the PDF."""

import re
from base64 import b64decode
from io import BytesIO

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests import factories
from tests.cases.test_attendance import signature
from tests.conftest import login_as
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases.attendance import attendance_sign_on_site
from trajectoire.cases.models import Accompaniment, Attendance, AttendanceCode
from trajectoire.cases.services import session_mark_held

ALLOWED = {"owner", "manager"}
NOT_FOUND = {"colleague", "other_centre"}


@pytest.fixture
def world(case_world):
    case = case_world["case"]
    Accompaniment.objects.filter(pk=case.pk).update(state="preliminary")
    session = factories.SessionFactory(accompaniment=case, duration_minutes=120)
    session_mark_held(actor=case.counsellor, session=session, held_minutes=105, now=timezone.now())
    session.refresh_from_db()
    return {**case_world, "session": session}


def _page_url(session) -> str:
    return reverse("web:attendance", args=[session.accompaniment_id, session.pk])


def _csrf_client(world, who) -> tuple[Client, str]:
    """A client that enforces CSRF, logged in, with the token of the émargement page's own form."""
    client = login_as(Client(enforce_csrf_checks=True), world, who)
    response = client.get(_page_url(world["session"]))
    assert response.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    return client, token


def _sign_payload(token: str) -> dict:
    return {
        "csrfmiddlewaretoken": token,
        "signature_svg": signature(),
        "counsellor_signature_svg": signature(x=40),
    }


@pytest.mark.parametrize("who", ["owner", "colleague", "manager", "other_centre", "analyst", "anonymous"])
def test_who_may_open_the_attendance_page(client, world, who):
    response = login_as(client, world, who).get(_page_url(world["session"]))
    if who in ALLOWED:
        assert response.status_code == 200
        assert "Signature sur place" in response.content.decode()
    elif who in NOT_FOUND:
        assert response.status_code == 404
    elif who == "analyst":
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and response.url.startswith(reverse("web:login"))


@pytest.mark.parametrize("who", ["owner", "colleague", "manager", "other_centre", "anonymous"])
def test_who_may_record_a_signature(world, who):
    url = _page_url(world["session"])
    if who in ALLOWED:
        client, token = _csrf_client(world, who)
        response = client.post(url, _sign_payload(token))
        assert response.status_code == 302 and response.url == url
        record = Attendance.objects.get()
        assert record.confirmed_by == world[who]
        page = client.get(url).content.decode()
        assert "Émargement enregistré" in page
        assert page.count('src="data:image/svg+xml;base64,') == 2
        shown = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
        assert b64decode(shown).decode() == record.signature_svg
        assert "Corriger l&#x27;émargement" in page or "Corriger l'émargement" in page
    else:
        client = login_as(Client(), world, who)
        response = client.post(url, _sign_payload("x"))
        assert response.status_code in {302, 404}
        if response.status_code == 302:
            assert response.url.startswith(reverse("web:login"))
        assert not Attendance.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(world):
    client = login_as(Client(enforce_csrf_checks=True), world, "owner")
    response = client.post(_page_url(world["session"]), {"signature_svg": signature()})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_a_missing_signature_is_shown_in_french_and_nothing_is_recorded(world):
    client, token = _csrf_client(world, "owner")
    payload = {**_sign_payload(token), "signature_svg": ""}
    response = client.post(_page_url(world["session"]), payload)
    assert response.status_code == 200
    assert "Signature de la personne manquante" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_malicious_drawing_is_refused_with_a_message(world):
    client, token = _csrf_client(world, "owner")
    payload = {**_sign_payload(token), "signature_svg": '<svg onload="alert(1)"><path d="M 1 1 L 9 9"/></svg>'}
    response = client.post(_page_url(world["session"]), payload)
    assert "n&#x27;est pas un simple tracé" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_second_record_is_refused_with_the_date_of_the_first(world):
    session = world["session"]
    first = attendance_sign_on_site(
        actor=world["owner"],
        session=session,
        signature_svg=signature(),
        counsellor_signature_svg=signature(x=40),
        now=timezone.now(),
    )
    client = login_as(Client(enforce_csrf_checks=True), world, "owner")
    token = client.get(_page_url(session)).cookies["csrftoken"].value
    response = client.post(
        reverse("web:attendance_evidence", args=[session.accompaniment_id, session.pk]),
        {"csrfmiddlewaretoken": token, "evidence": "Visio Teams, connexion 9 h 58 – 11 h 45."},
    )
    assert "Cet entretien est déjà émargé le" in response.content.decode()
    assert list(Attendance.objects.all()) == [first]


def test_a_planned_session_shows_why_it_cannot_be_signed_and_refuses_a_post(world):
    planned = factories.SessionFactory(accompaniment=world["case"], starts_at=timezone.now())
    client = login_as(Client(), world, "owner")
    page = client.get(_page_url(planned)).content.decode()
    assert "Seul un entretien réalisé s&#x27;émarge" in page or "Seul un entretien réalisé s'émarge" in page
    assert "data-attendance-pad" not in page
    response = client.post(_page_url(planned), {"signature_svg": signature(), "counsellor_signature_svg": signature()})
    assert "seul un entretien réalisé s&#x27;émarge" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_session_of_another_case_is_not_found_under_this_case(world):
    other_case = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=world["case"].centre), counsellor=world["owner"]
    )
    url = reverse("web:attendance", args=[other_case.pk, world["session"].pk])
    assert login_as(Client(), world, "owner").get(url).status_code == 404


def test_the_code_is_sent_then_confirmed_by_the_counsellor(world, django_capture_on_commit_callbacks):
    session = world["session"]
    client, token = _csrf_client(world, "owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("web:attendance_code_send", args=[session.accompaniment_id, session.pk]),
            {"csrfmiddlewaretoken": token},
        )
    assert response.status_code == 302
    code = re.search(r"^(\d{6})$", mail.outbox[-1].body, re.M).group(1)
    assert code not in str(list(AuditEvent.objects.values_list("fields", flat=True)))
    page = client.get(_page_url(session)).content.decode()
    assert "Code reçu par la personne" in page
    confirm = reverse("web:attendance_code_confirm", args=[session.accompaniment_id, session.pk])
    wrong = client.post(confirm, {"csrfmiddlewaretoken": token, "code": "000000" if code != "000000" else "111111"})
    assert "Code incorrect" in wrong.content.decode()
    assert AttendanceCode.objects.get().attempts == 1
    assert not Attendance.objects.exists()
    response = client.post(confirm, {"csrfmiddlewaretoken": token, "code": code})
    assert response.status_code == 302
    assert Attendance.objects.get().method == "email_code"


def test_a_correction_keeps_the_old_record_and_shows_both(world):
    session = world["session"]
    first = attendance_sign_on_site(
        actor=world["owner"],
        session=session,
        signature_svg=signature(),
        counsellor_signature_svg=signature(x=40),
        now=timezone.now(),
    )
    client, token = _csrf_client(world, "owner")
    url = reverse("web:attendance_correct", args=[session.accompaniment_id, session.pk, first.pk])
    refused = client.post(url, {"csrfmiddlewaretoken": token, "method": "counsellor_evidence", "evidence": "x" * 20})
    assert "Ce champ est obligatoire" in refused.content.decode()
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "correction_reason": "Signature recueillie sur le mauvais entretien",
            "method": "counsellor_evidence",
            "evidence": "Feuille papier signée par la personne, scannée au dossier.",
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.count() == 2
    assert Attendance.objects.current().get().corrects == first
    page = client.get(_page_url(session)).content.decode()
    assert "corrigé depuis" in page and "Signature recueillie sur le mauvais entretien" in page


@pytest.mark.parametrize("who", ["owner", "colleague", "manager", "other_centre", "analyst", "anonymous"])
def test_who_may_download_the_attendance_sheet(client, world, who):
    attendance_sign_on_site(
        actor=world["owner"],
        session=world["session"],
        signature_svg=signature(),
        counsellor_signature_svg=signature(x=40),
        now=timezone.now(),
    )
    response = login_as(client, world, who).get(reverse("web:attendance_sheet_pdf", args=[world["case"].pk]))
    if who in ALLOWED:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"].startswith("no-store")
        assert response["Content-Disposition"] == f'attachment; filename="emargement-lefevre-{world["case"].pk}.pdf"'
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages).split())
        assert "Feuille d'émargement" in text
        assert "Sandrine LEFÈVRE" in text
        assert "signature sur place" in text
        assert "Claire Martin, le" in text
        assert "Total des heures réalisées 1 h 45" in text  # no-break spaces read as spaces once split
        assert AuditEvent.objects.filter(action="export", object_type="cases.accompaniment").exists()
    elif who in NOT_FOUND:
        assert response.status_code == 404
    elif who == "analyst":
        assert response.status_code == 403
    else:
        assert response.status_code == 302


def test_the_attendance_page_writes_nothing_but_its_audit_row(world):
    client = login_as(Client(), world, "owner")
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    client.get(_page_url(world["session"]))
    added = AuditEvent.objects.exclude(pk__in=before)
    assert ("view", "cases.session") in set(added.values_list("action", "object_type"))
    assert set(added.values_list("action", flat=True)) == {"view"}
    assert not Attendance.objects.exists() and not AttendanceCode.objects.exists()


def test_the_case_page_tells_which_held_sessions_still_need_their_proof(world):
    client = login_as(Client(), world, "owner")
    case_url = reverse("web:case_detail", args=[world["case"].pk])
    page = client.get(case_url).content.decode()
    assert "à émarger" in page and _page_url(world["session"]) in page
    attendance_sign_on_site(
        actor=world["owner"],
        session=world["session"],
        signature_svg=signature(),
        counsellor_signature_svg=signature(x=40),
        now=timezone.now(),
    )
    page = client.get(case_url).content.decode()
    assert "à émarger" not in page and "émargé" in page
    assert reverse("web:attendance_sheet_pdf", args=[world["case"].pk]) in page
