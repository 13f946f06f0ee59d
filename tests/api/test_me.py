import pytest
from django.core.management import call_command

from tests.factories import CentreFactory, counsellor
from trajectoire.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return counsellor(CentreFactory(name="CIBC Démo Occitanie"), email="claire.martin@exemple.fr")


def test_me_answers_the_session_user_and_their_centres(client, user):
    client.force_login(user)
    body = client.get("/api/v1/me").json()
    assert body["email"] == "claire.martin@exemple.fr"
    assert body["centres"][0]["name"] == "CIBC Démo Occitanie"
    assert body["centres"][0]["role"] == "counsellor"
    assert body["is_network_analyst"] is False


def test_me_answers_a_bearer_token(client, user):
    _, token = api_token_create(user=user, name="script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_a_wrong_or_revoked_token_is_refused(client, user):
    token_obj, token = api_token_create(user=user, name="script")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer trj_nope").status_code == 401
    token_obj.revoked_at = token_obj.created_at
    token_obj.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_anonymous_calls_are_refused(client):
    assert client.get("/api/v1/me").status_code == 401


def test_the_token_is_stored_as_a_digest_only(user):
    token_obj, token = api_token_create(user=user, name="script")
    assert token not in token_obj.digest
    assert len(token_obj.digest) == 64


def test_the_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]


def test_interactive_docs_are_served(client, user):
    client.force_login(user)
    assert client.get("/api/v1/docs").status_code == 200


def test_create_api_token_command_prints_a_working_token(client, user, capsys):
    call_command("create_api_token", "--email", user.email)
    token = capsys.readouterr().out.strip()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_with_2fa_required_a_session_without_its_second_factor_cannot_use_the_api(client, user, settings):
    settings.REQUIRE_2FA = True
    client.force_login(user)
    assert client.get("/api/v1/me").status_code == 401
