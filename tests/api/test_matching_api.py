"""POST /api/v1/matching/extract and /recommend: the CLI's JSON over HTTP, with the schema's limits."""

import pytest

from trajectoire.api.errors import french_spacing
from trajectoire.engines import get_engine

pytestmark = pytest.mark.django_db
EXTRACT = "/api/v1/matching/extract"
RECOMMEND = "/api/v1/matching/recommend"


def post(client, headers, path, body):
    return client.post(path, body, content_type="application/json", headers=headers)


def test_extract_answers_the_cli_json(csrf_client, bearer, engine):
    response = post(csrf_client, bearer, EXTRACT, {"id": "t1", "text": "toilette des résidents", "top_skills": 3})
    body = response.json()
    assert body["id"] == "t1"
    assert body["skills"][0] == {
        "code_ogr": "38707",
        "score": 0.8,
        "evidence": "toilette des résidents",
        "label": "Réaliser la toilette d'une personne",
    }
    assert engine.asked == [("extract", "toilette des résidents", 5, 3)]


def test_recommend_passes_only_the_profile_to_the_engine(csrf_client, bearer, engine):
    body = {"id": "p1", "skills": ["38707"], "current_occupations": ["K2204"], "riasec": "sa", "top": 3}
    response = post(csrf_client, bearer, RECOMMEND, body)
    assert response.status_code == 200
    assert response.json()["suggestions"][0]["code_rome"] == "J1301"
    assert engine.asked[-1][1:] == (
        {"skills": ["38707"], "current_occupations": ["K2204"], "riasec": "sa", "exclude": []},
        3,
    )


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        (EXTRACT, {"top": 3}, "text", "est obligatoire"),
        (EXTRACT, {"text": "x" * 20_001}, "text", "ne doit pas dépasser 20\u202f000 caractères"),
        (EXTRACT, {"text": "x", "top": 0}, "top", "doit être supérieur ou égal à 1"),
        (EXTRACT, {"text": "x", "top": "5"}, "top", "doit être un nombre entier"),
        (EXTRACT, {"text": 12}, "text", "doit être une chaîne de caractères"),
        (EXTRACT, {"text": "x", "id": "i" * 201}, "id", "ne doit pas dépasser 200 caractères"),
        (RECOMMEND, {"riasec": "00000"}, "riasec", "ne peut contenir que les lettres R, I, A, S, E, C"),
        (RECOMMEND, {"riasec": ""}, "riasec", "ne peut contenir que les lettres R, I, A, S, E, C"),
        (RECOMMEND, {"current_occupations": ["J1501", "j15"]}, "current_occupations[1]", "doit être un code ROME"),
        (RECOMMEND, {"skills": ["38707", ""]}, "skills[1]", "doit être un code OGR"),
        (RECOMMEND, {"skills": ["1"] * 2001}, "skills", "ne doit pas contenir plus de 2\u202f000 éléments"),
        (RECOMMEND, {"skills": "38707"}, "skills", "doit être une liste"),
        (RECOMMEND, {"skill": ["38707"]}, "skill", "n'est pas un champ connu"),
    ],
)
def test_bad_payloads_are_a_422_naming_the_field_in_french(csrf_client, bearer, engine, path, body, field, message):
    response = post(csrf_client, bearer, path, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and e["message"].startswith(french_spacing(message)) for e in errors), errors
    assert french_spacing(f"« {field} » {message}") in response.json()["detail"]
    assert engine.asked == []


@pytest.mark.slow
def test_the_real_engine_answers_through_the_api(csrf_client, bearer, monkeypatch):
    monkeypatch.setattr("trajectoire.api.matching.get_engine", get_engine)
    text = "Aide-soignante en EHPAD : toilette des résidents, aide aux repas, transmissions à l'infirmière."
    extraction = post(csrf_client, bearer, EXTRACT, {"text": text}).json()
    assert extraction == {"id": None, **get_engine().extract(text).to_dict()}
    codes = [s["code_ogr"] for s in extraction["skills"]]
    recommendation = post(csrf_client, bearer, RECOMMEND, {"skills": codes, "riasec": "SA", "top": 5}).json()
    assert recommendation == {"id": None, **get_engine().recommend({"skills": codes, "riasec": "SA"}, 5).to_dict()}
    assert len(recommendation["suggestions"]) == 5


def test_the_endpoints_need_authentication(csrf_client):
    assert post(csrf_client, {}, EXTRACT, {"text": "x"}).status_code == 401


def test_the_schema_states_the_limits_the_code_applies(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    recommend = schemas["RecommendIn"]
    assert recommend["additionalProperties"] is False
    assert recommend["properties"]["riasec"]["anyOf"][0]["pattern"] == "^[RIASECriasec]{1,6}$"
    assert recommend["properties"]["current_occupations"]["items"]["pattern"] == "^[A-Z][0-9]{4}$"
    assert recommend["properties"]["skills"]["maxItems"] == 2000
    extract = schemas["ExtractIn"]
    assert extract["required"] == ["text"]
    assert extract["properties"]["text"]["maxLength"] == 20_000
    assert extract["properties"]["top"]["minimum"] == 1
