"""POST /api/v1/matching/recommend with the person's wishes, refusals and distance (issue 11)."""

import pytest

from trajectoire.engines import get_engine

pytestmark = pytest.mark.django_db
RECOMMEND = "/api/v1/matching/recommend"


def post(client, headers, body):
    return client.post(RECOMMEND, body, content_type="application/json", headers=headers)


@pytest.mark.slow
def test_recommend_reads_wishes_refusals_and_distance(csrf_client, bearer, monkeypatch):
    monkeypatch.setattr("trajectoire.api.matching.get_engine", get_engine)
    body = {
        "current_occupations": ["J1501"],
        "wishes": "J'aime expliquer ; je ne veux plus travailler de nuit.",
        "avoid_contexts": ["23376"],
        "distance": "reconversion",
        "top": 10,
    }
    response = post(csrf_client, bearer, body)
    assert response.status_code == 200
    data = response.json()
    assert {c["code"] for c in data["understood"]["avoid_contexts"]} == {"300803", "23376"}
    assert data["set_aside"] and all(a["reason"].startswith("Condition refusée") for a in data["set_aside"])
    assert data["suggestions"] and all("wish_match" in s and "labels" in s for s in data["suggestions"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_occupations": ["J1501"], "distance": "loin"}, "distance"),
        ({"current_occupations": ["J1501"], "avoid_contexts": ["nuit"]}, "avoid_contexts"),
        ({"current_occupations": ["J1501"], "wishes": 12}, "wishes"),
    ],
)
def test_bad_wish_fields_are_a_422(csrf_client, bearer, body, field):
    response = post(csrf_client, bearer, body)
    assert response.status_code == 422 and field in response.content.decode()
