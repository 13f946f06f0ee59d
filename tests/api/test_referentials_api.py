import pytest

from tests.factories import CentreFactory, counsellor
from tests.referentials.helpers import import_fixture_referentials
from trajectoire.api.errors import french_spacing
from trajectoire.referentials.search import clear_index_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(client):
    clear_index_cache()
    import_fixture_referentials(tension=False)
    client.force_login(counsellor(CentreFactory()))
    yield client
    clear_index_cache()


def test_the_api_needs_authentication(client, db):
    assert client.get("/api/v1/occupations/J1501").status_code == 401
    assert client.get("/api/v1/occupations/search", {"q": "aide"}).status_code == 401


def test_an_occupation_sheet_in_json(api_client):
    data = api_client.get("/api/v1/occupations/j1501").json()
    assert data["code"] == "J1501"
    assert data["label"] == "Aide-soignant / Aide-soignante"
    assert data["domain"] == {"code": "J15", "label": data["domain"]["label"]}
    assert data["definition"][0].startswith("L'aide-soignant")
    assert data["rome_version"] == "460"
    assert any(j["label_feminine"] == "Aide-soignante hospitalière" for j in data["job_titles"])
    assert any(s["core"] == "principale" for s in data["skills"])
    assert data["knowledge"] and data["work_contexts"]
    assert "métier réglementé" in data["tags"]


def test_an_unknown_code_is_404_with_a_french_message(api_client):
    response = api_client.get("/api/v1/occupations/Z9999")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Aucune fiche métier ROME ne porte le code «\u202fZ9999\u202f».",
        "errors": [],
    }


@pytest.mark.parametrize("code", ["J150", "J15011", "15011", "J15O1"])
def test_a_malformed_code_is_a_400_naming_the_parameter(api_client, code):
    response = api_client.get(f"/api/v1/occupations/{code}")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "code",
            "message": "doit être un code ROME\u202f: une lettre suivie de quatre chiffres (p. ex. J1501)",
        }
    ]


def test_occupation_search_gives_one_line_per_occupation(api_client):
    response = api_client.get("/api/v1/occupations/search", {"q": "aide soigante"})
    assert response.status_code == 200
    data = response.json()
    assert data[0]["code"] == "J1501"
    assert data[0]["matched_label"] == "Aide-soignant / Aide-soignante"
    assert len({row["code"] for row in data}) == len(data)


def test_skill_search(api_client):
    data = api_client.get("/api/v1/skills/search", {"q": "soins hygiene", "limit": 3}).json()
    assert 0 < len(data) <= 3
    assert all(isinstance(row["ogr_code"], int) for row in data)


@pytest.mark.parametrize("path", ["/api/v1/occupations/search", "/api/v1/skills/search"])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "« q » est obligatoire"),
        ({"q": ""}, "« q » doit contenir au moins 2 caractères"),
        ({"q": " "}, "« q » doit contenir au moins 2 caractères"),
        ({"q": "  a "}, "« q » doit contenir au moins 2 caractères autres que des espaces"),
        ({"q": "x" * 101}, "« q » ne doit pas dépasser 100 caractères"),
        ({"q": "aide", "limit": 0}, "« limit » doit être supérieur ou égal à 1"),
        ({"q": "aide", "limit": 51}, "« limit » doit être inférieur ou égal à 50"),
        ({"q": "aide", "limit": "5_0"}, "« limit » doit être un nombre entier"),
        ({"q": "aide", "limit": "dix"}, "« limit » doit être un nombre entier"),
    ],
)
def test_bad_queries_are_refused_in_french(api_client, path, params, message):
    response = api_client.get(path, params)
    assert response.status_code == 400
    assert french_spacing(message) in response.json()["detail"]
    assert response.json()["errors"][0]["field"] in params or "q" not in params


def test_the_routes_are_in_the_openapi_schema(api_client):
    paths = api_client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/occupations/search", "/api/v1/occupations/{code}", "/api/v1/skills/search"} <= set(paths)
