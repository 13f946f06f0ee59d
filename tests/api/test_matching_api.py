import pytest

from tests.cases.test_profile import StandInEngine
from tests.factories import CentreFactory, counsellor

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine(monkeypatch):
    stand_in = StandInEngine(
        [{"code_ogr": "38707", "score": 0.9, "evidence": "toilette"}],
        [
            {
                "code_rome": "J1501",
                "score": 0.8,
                "shared_skills": ["38707"],
                "missing_skills": [],
                "mobility": False,
                "explanation": "…",
            }
        ],
    )
    monkeypatch.setattr("trajectoire.api.matching.get_engine", lambda: stand_in)
    return stand_in


@pytest.fixture
def logged(client):
    client.force_login(counsellor(CentreFactory()))
    return client


def test_extract_answers_the_cli_json(logged, engine):
    response = logged.post(
        "/api/v1/matching/extract", {"id": "t1", "text": "toilette des résidents"}, content_type="application/json"
    )
    body = response.json()
    assert body["id"] == "t1"
    assert body["skills"][0] == {"code_ogr": "38707", "score": 0.9, "evidence": "toilette"}


def test_recommend_passes_only_the_profile_to_the_engine(logged, engine):
    response = logged.post(
        "/api/v1/matching/recommend",
        {"id": "p1", "skills": ["38707"], "current_occupations": ["K2204"], "top": 3},
        content_type="application/json",
    )
    assert response.json()["suggestions"][0]["code_rome"] == "J1501"
    assert engine.asked[-1][1] == {"skills": ["38707"], "current_occupations": ["K2204"], "exclude": []}


def test_bad_payloads_are_refused(logged, engine):
    assert logged.post("/api/v1/matching/extract", {"top": 3}, content_type="application/json").status_code == 422
    too_long = {"text": "x" * 20_001}
    assert logged.post("/api/v1/matching/extract", too_long, content_type="application/json").status_code == 422


def test_the_endpoints_need_authentication(client, engine):
    assert client.post("/api/v1/matching/extract", {"text": "x"}, content_type="application/json").status_code == 401


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/matching/extract", "/api/v1/matching/recommend"} <= set(paths)
