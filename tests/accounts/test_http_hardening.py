"""Answers carrying personal data stay out of caches; oversized bodies and errors get French pages."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, BeneficiaryFactory, CentreFactory, counsellor
from trajectoire.accounts.services import api_token_create
from trajectoire.cases.synthesis import synthesis_start

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PRIVATE = "no-store, private"


@pytest.fixture
def claire():
    return counsellor(CentreFactory(name="CIBC Démo Occitanie"), email="claire.martin@exemple.fr")


# --- Cache-Control ---------------------------------------------------------------------------------------


def test_a_page_seen_by_a_logged_in_counsellor_is_not_stored(client, claire):
    client.force_login(claire)
    response = client.get(reverse("web:beneficiary_list"))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_an_api_answer_to_a_session_or_a_token_is_not_stored(client, claire):
    client.force_login(claire)
    assert client.get("/api/v1/me")["Cache-Control"] == PRIVATE
    _, token = api_token_create(user=claire, name="Script de test")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_the_synthesis_pdf_is_not_stored(client, case_world):
    case = case_world["case"]
    synthesis_start(actor=case.counsellor, accompaniment=case)
    client.force_login(case_world["owner"])
    response = client.get(reverse("web:synthesis_pdf", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == PRIVATE


def test_static_files_keep_their_caching_even_for_a_logged_in_counsellor(client, claire):
    client.force_login(claire)
    response = client.get("/static/css/trajectoire.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert "max-age" in response["Cache-Control"]


def test_an_anonymous_public_page_is_not_marked_private(client, claire):
    client.force_login(claire)
    client.post(reverse("web:logout"))
    response = client.get(reverse("web:password_reset"))
    assert response.status_code == 200
    assert response.get("Cache-Control") != PRIVATE


# --- Oversized bodies ------------------------------------------------------------------------------------


def _too_long(settings) -> str:
    return "Parcours détaillé de Sandrine. " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 30 + 10)


def test_a_form_body_over_the_limit_gets_a_french_413_page_and_saves_nothing(claire, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(claire)
    page = browser.get(reverse("web:beneficiary_create"))
    token = page.context["csrf_token"]
    before = claire.memberships.first().centre.beneficiaries.count()
    response = browser.post(
        reverse("web:beneficiary_create"),
        {"csrfmiddlewaretoken": token, "first_name": "Sandrine", "last_name": "Lefèvre", "notes": _too_long(settings)},
    )
    assert response.status_code == 413
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "Le texte envoyé est trop long" in content
    assert "la limite de 64\u00a0ko" in content
    assert "copiez d'abord votre" in content
    assert response["Cache-Control"] == PRIVATE
    assert claire.memberships.first().centre.beneficiaries.count() == before


def test_the_default_limit_is_three_megabytes_and_said_so(claire, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 3 * 1024 * 1024
    client = Client()
    client.force_login(claire)
    response = client.post(reverse("web:beneficiary_create"), {"notes": _too_long(settings)})
    assert response.status_code == 413
    assert "la limite de 3\u00a0Mo" in response.content.decode()


def test_an_urlencoded_form_over_the_limit_gets_413_like_a_multipart_one(claire, settings):
    # Browsers post plain forms urlencoded: Django refuses those on Content-Length alone.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    client = Client()
    client.force_login(claire)
    body = urlencode({"first_name": "Ana", "notes": _too_long(settings)})
    response = client.post(reverse("web:beneficiary_create"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "la limite de 64\u00a0ko" in response.content.decode()


def test_a_whole_upload_over_its_own_limit_gets_413(claire, settings):
    settings.FILE_UPLOAD_MAX_REQUEST_SIZE = 128 * 1024
    client = Client()
    client.force_login(claire)
    logo = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * 200 * 1024, content_type="image/png")
    response = client.post(reverse("web:beneficiary_create"), {"logo": logo})
    assert response.status_code == 413
    assert "la limite de 128\u00a0ko" in response.content.decode()


def test_an_api_body_over_the_limit_gets_a_json_413(claire, settings):
    client = Client()
    client.force_login(claire)
    response = client.post(
        "/api/v1/matching/extract", {"id": "t1", "text": _too_long(settings)}, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "dépasse la limite de 3\u00a0Mo" in response.json()["detail"]


@pytest.mark.slow
def test_a_body_under_the_limit_goes_through(claire):
    client = Client()
    client.force_login(claire)
    response = client.post(
        "/api/v1/matching/extract", {"id": "t1", "text": "toilette des résidents"}, content_type="application/json"
    )
    assert response.status_code == 200


# --- French error pages ----------------------------------------------------------------------------------


def test_with_debug_off_a_denied_access_gives_the_french_404_page(client, claire, settings):
    settings.DEBUG = False
    elsewhere = BeneficiaryFactory(centre=CentreFactory(), first_name="Yann", last_name="Le Goff")
    client.force_login(claire)
    response = client.get(reverse("web:beneficiary_detail", args=[elsewhere.pk]))
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page introuvable" in content
    assert "Retour à l'accueil" in content
    assert "URLconf" not in content and "Le Goff" not in content


def test_an_expired_form_gets_the_french_csrf_page(claire):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("web:login"), {"username": claire.email, "password": PASSWORD})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Le formulaire a expiré" in content
    assert "CSRF verification failed" not in content


def test_a_server_error_gets_the_french_page_without_a_request_context():
    from django.template import loader

    content = loader.get_template("500.html").render()
    assert "Une erreur est survenue" in content
    assert 'lang="fr"' in content


@pytest.mark.parametrize(("name", "text"), [("400.html", "Demande incorrecte"), ("403.html", "Accès refusé")])
def test_the_other_error_pages_are_french_with_a_way_back(rf, name, text):
    from django.template import loader

    content = loader.get_template(name).render({"exception": ""}, rf.get("/"))
    assert text in content
    assert "Retour à l'accueil" in content


def test_debug_is_off_unless_asked_for():
    code = "from trajectoire.config import settings as s; print(s.DEBUG, '127.0.0.1' in s.ALLOWED_HOSTS)"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "ENVIRONMENT", "ALLOWED_HOSTS"}}
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.stdout.split() == ["False", "True"], run.stderr
    env["DEBUG"] = "true"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.stdout.split() == ["True", "True"], run.stderr


def test_an_unknown_host_gets_the_french_400_page(client):
    response = client.get(reverse("web:login"), HTTP_HOST="trajectoire.pirate.example")
    assert response.status_code == 400
    assert "Demande incorrecte" in response.content.decode()


def test_a_refused_role_gets_the_french_403_page(client, case_world):
    client.force_login(case_world["analyst"])
    response = client.get(reverse("web:case_detail", args=[case_world["case"].pk]))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Accès refusé" in content and "Retour à l'accueil" in content
    assert response["Cache-Control"] == PRIVATE
