"""Who may call the API: tokens need no CSRF token, sessions need one for every write."""

import pytest

from tests.api.conftest import POSTS, csrf_token_of
from trajectoire.api.auth import CSRF_MESSAGE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", sorted(POSTS))
def test_a_token_post_needs_no_csrf_token(csrf_client, bearer, path):
    response = csrf_client.post(path, POSTS[path], content_type="application/json", headers=bearer)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("path", sorted(POSTS))
def test_a_session_post_without_the_csrf_token_is_refused_in_french(csrf_client, claire, path):
    csrf_client.force_login(claire)
    response = csrf_client.post(path, POSTS[path], content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": CSRF_MESSAGE, "errors": []}


@pytest.mark.parametrize("path", sorted(POSTS))
def test_a_session_post_with_a_wrong_csrf_token_is_refused(csrf_client, claire, path):
    csrf_client.force_login(claire)
    csrf_token_of(csrf_client)
    headers = {"X-CSRFToken": "x" * 64}
    response = csrf_client.post(path, POSTS[path], content_type="application/json", headers=headers)
    assert response.status_code == 403


@pytest.mark.parametrize("path", sorted(POSTS))
def test_a_session_post_with_the_pages_csrf_token_is_accepted(csrf_client, claire, path):
    csrf_client.force_login(claire)
    headers = {"X-CSRFToken": csrf_token_of(csrf_client)}
    response = csrf_client.post(path, POSTS[path], content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content


def test_a_session_get_needs_no_csrf_token(csrf_client, claire):
    csrf_client.force_login(claire)
    assert csrf_client.get("/api/v1/me").json()["last_name"] == "Martin"


@pytest.mark.parametrize("path", sorted(POSTS))
def test_an_anonymous_post_gets_401_not_a_csrf_error(csrf_client, path):
    response = csrf_client.post(path, POSTS[path], content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["errors"] == []
    assert "Authorization: Bearer" in body["detail"]


def test_a_wrong_token_with_no_session_is_401(csrf_client):
    headers = {"Authorization": "Bearer trj_inconnu"}
    response = csrf_client.post("/api/v1/schemes/evaluate", POSTS["/api/v1/schemes/evaluate"], headers=headers)
    assert response.status_code == 401


def test_a_token_wins_over_a_session_without_csrf_token(csrf_client, claire, bearer):
    # A script that also holds a session cookie is not refused for the cookie's missing CSRF token.
    csrf_client.force_login(claire)
    path = "/api/v1/schemes/evaluate"
    response = csrf_client.post(path, POSTS[path], content_type="application/json", headers=bearer)
    assert response.status_code == 200


def test_with_2fa_required_a_session_without_second_factor_cannot_write_even_with_csrf(csrf_client, claire, settings):
    csrf_client.force_login(claire)
    headers = {"X-CSRFToken": csrf_token_of(csrf_client)}
    settings.REQUIRE_2FA = True
    path = "/api/v1/schemes/evaluate"
    response = csrf_client.post(path, POSTS[path], content_type="application/json", headers=headers)
    assert response.status_code == 401


def test_with_2fa_required_a_token_still_works(csrf_client, bearer, settings):
    settings.REQUIRE_2FA = True
    path = "/api/v1/matching/recommend"
    response = csrf_client.post(path, POSTS[path], content_type="application/json", headers=bearer)
    assert response.status_code == 200


def test_every_post_operation_of_the_schema_is_covered_here(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    posts = {path for path, operations in paths.items() if "post" in operations}
    assert posts == set(POSTS)
