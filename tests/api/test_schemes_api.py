"""POST /api/v1/schemes/evaluate: the CLI's JSON over HTTP."""

from datetime import date

import pytest

from tests.factories import CentreFactory, UserFactory, counsellor
from trajectoire.accounts.services import api_token_create
from trajectoire.schemes import evaluate, load_catalogue

pytestmark = pytest.mark.django_db
URL = "/api/v1/schemes/evaluate"
FACTS = {"status": "salarie_prive", "action_type": "bilan_competences", "framework": "cpf", "working_time_ratio": 1}


@pytest.fixture
def api(client):
    client.force_login(counsellor(CentreFactory()))
    return client


def test_the_api_needs_authentication(client):
    assert client.post(URL, {"facts": {}, "on": "2026-03-02"}, content_type="application/json").status_code == 401


def test_an_evaluation_gives_exactly_the_engines_json(api):
    response = api.post(URL, {"facts": FACTS, "on": "2026-03-02"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == evaluate(load_catalogue(), FACTS, date(2026, 3, 2)).to_dict()
    cpf = next(s for s in response.json()["schemes"] if s["id"] == "cpf")
    assert cpf["amounts"]["action_cap_eur"] == 1600


def test_the_evaluation_can_be_limited_to_some_schemes(api):
    response = api.post(
        URL, {"facts": {}, "on": "2024-01-01", "schemes": ["vae", "cep"]}, content_type="application/json"
    )
    assert [s["id"] for s in response.json()["schemes"]] == ["vae", "cep"]


def test_a_bearer_token_works_and_analysts_may_call_it(client):
    _, clear = api_token_create(user=UserFactory(is_network_analyst=True), name="script")
    response = client.post(
        URL,
        {"facts": {}, "on": "2026-01-01"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {clear}"},
    )
    assert response.status_code == 200
    assert response.json()["on"] == "2026-01-01"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"facts": {"salary": 3}, "on": "2026-03-02"}, "Faits invalides : fait inconnu « salary »."),
        ({"facts": {"working_time_ratio": 2}, "on": "2026-03-02"}, "inférieur ou égal à 1"),
        ({"facts": {"boeth": "oui"}, "on": "2026-03-02"}, "« boeth » doit être un booléen"),
        ({"facts": {}, "on": "02/03/2026"}, "Date d'évaluation invalide « 02/03/2026 » : attendu AAAA-MM-JJ."),
        ({"facts": {}, "on": "2026-03-02", "schemes": ["cif"]}, "dispositif inconnu : cif"),
    ],
)
def test_bad_input_is_a_422_with_a_french_message(api, body, message):
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_the_fact_vocabulary_and_the_rules_are_published(api):
    facts = api.get("/api/v1/schemes/facts").json()
    assert {"name", "question", "help", "values"} <= set(facts[0])
    assert any(f["name"] == "status" and f["values"][0]["label"] for f in facts)
    rules = api.get("/api/v1/schemes/rules").json()
    assert len(rules) == len(load_catalogue().rule_rows())


def test_the_endpoints_are_in_the_openapi_schema(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert "post" in schema["paths"]["/api/v1/schemes/evaluate"]
    assert "/api/v1/schemes/facts" in schema["paths"]
    assert "EvaluationOut" in schema["components"]["schemas"]
