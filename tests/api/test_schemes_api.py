"""POST /api/v1/schemes/evaluate: the CLI's JSON over HTTP."""

from datetime import date

import pytest

from tests.factories import CentreFactory, UserFactory, counsellor
from trajectoire.accounts.services import api_token_create
from trajectoire.api.errors import french_spacing
from trajectoire.schemes import evaluate, load_catalogue

pytestmark = pytest.mark.django_db
URL = "/api/v1/schemes/evaluate"
FACTS = {"status": "salarie_prive", "action_type": "bilan_competences", "framework": "cpf", "working_time_ratio": 1}


@pytest.fixture
def api(csrf_client):
    """A script with its token: every POST below goes through CSRF-checking client."""
    _, clear = api_token_create(user=counsellor(CentreFactory()), name="script")
    csrf_client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {clear}"
    return csrf_client


def test_the_api_needs_authentication(csrf_client):
    response = csrf_client.post(URL, {"facts": {}, "on": "2026-03-02"}, content_type="application/json")
    assert response.status_code == 401


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


def test_a_bearer_token_works_and_analysts_may_call_it(csrf_client):
    _, clear = api_token_create(user=UserFactory(is_network_analyst=True), name="script")
    response = csrf_client.post(
        URL,
        {"facts": {}, "on": "2026-01-01"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {clear}"},
    )
    assert response.status_code == 200
    assert response.json()["on"] == "2026-01-01"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"facts": {"salary": 3}, "on": "2026-03-02"}, "facts.salary", "n'est pas un champ connu"),
        (
            {"facts": {"working_time_ratio": 2}, "on": "2026-03-02"},
            "facts.working_time_ratio",
            "doit être inférieur ou égal à 1",
        ),
        ({"facts": {"boeth": "oui"}, "on": "2026-03-02"}, "facts.boeth", "doit être un booléen (true ou false)"),
        ({"facts": {"status": "cadre"}, "on": "2026-03-02"}, "facts.status", "doit valoir : salarie_prive, "),
        (
            {"facts": {"highest_qualification_level": 3.5}, "on": "2026-03-02"},
            "facts.highest_qualification_level",
            "doit être un nombre entier",
        ),
        ({"facts": {"as_of_date": "2026-03-02"}, "on": "2026-03-02"}, "facts.as_of_date", "n'est pas un champ connu"),
        ({"facts": {}, "on": "02/03/2026"}, "on", "doit être une date AAAA-MM-JJ"),
        ({"facts": {}, "on": "2026-02-30"}, "on", "doit être une date AAAA-MM-JJ qui existe au calendrier"),
        ({"facts": {}}, "on", "est obligatoire"),
        ({"facts": {}, "on": "2026-03-02", "schemes": ["cif"]}, "schemes[0]", "doit valoir : bilan_competences, "),
        ({"facts": {}, "on": "2026-03-02", "schemes": [""]}, "schemes[0]", "doit valoir : "),
        ({"facts": [], "on": "2026-03-02"}, "facts", "doit être un objet JSON"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_in_french(api, body, field, message):
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and e["message"].startswith(french_spacing(message)) for e in errors), errors
    assert response.json()["detail"].startswith(french_spacing("Requête invalide : « "))


def test_the_input_schema_is_the_fact_vocabulary(api):
    schemas = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    facts = schemas["FactsIn"]
    vocabulary = [d for d in load_catalogue().fact_definitions() if not d.derived]
    assert facts["additionalProperties"] is False
    assert list(facts["properties"]) == [d.name for d in vocabulary]
    status = facts["properties"]["status"]["anyOf"][0]
    assert status["enum"] == list(next(d for d in vocabulary if d.name == "status").values)
    ratio = facts["properties"]["working_time_ratio"]["anyOf"][0]
    assert (ratio["minimum"], ratio["maximum"]) == (0, 1)
    schemes = schemas["EvaluateIn"]["properties"]["schemes"]["anyOf"][0]["items"]
    assert schemes["enum"] == [s.id for s in load_catalogue().schemes]
    assert schemas["EvaluateIn"]["properties"]["on"]["format"] == "date"


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
