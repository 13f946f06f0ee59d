"""One error shape, in French, for every refusal of the API; every operation documents the ones it gives."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from trajectoire.api.api import api
from trajectoire.api.errors import MAX_BODY_BYTES, french_spacing, translate

pytestmark = pytest.mark.django_db
EVALUATE = "/api/v1/schemes/evaluate"


def raw_post(client, headers, body: bytes):
    return client.generic("POST", EVALUATE, body, content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"on": "2026-03-02",', "Corps de requête illisible : JSON invalide (ligne 1, colonne 21)."),
        (b'{"on": "2026-03-02", "facts": {"working_time_ratio": NaN}}', "« NaN » n'est pas une valeur JSON admise"),
        ('{"on": "2026-03-02"}'.encode("utf-16"), "il doit être encodé en UTF-8"),
    ],
)
def test_an_unreadable_body_is_a_400_in_french(csrf_client, bearer, body, message):
    response = raw_post(csrf_client, bearer, body)
    assert response.status_code == 400
    assert french_spacing(message) in response.json()["detail"]
    assert response.json()["errors"] == []


def test_a_body_over_the_limit_is_a_413(csrf_client, bearer):
    body = b'{"on": "2026-03-02", "facts": {}, "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = raw_post(csrf_client, bearer, body)
    assert response.status_code == 413
    assert response.json() == {
        "detail": "Corps de requête trop volumineux\u202f: 1\u202f000\u202f000 octets au plus.",
        "errors": [],
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "le corps de la requête est obligatoire (un objet JSON)"),
        (b"[]", "doit être un objet JSON"),
        (b'"2026-03-02"', "doit être un objet JSON"),
    ],
)
def test_a_body_that_is_not_an_object_is_a_422_on_the_whole_body(csrf_client, bearer, body, message):
    response = raw_post(csrf_client, bearer, body)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "", "message": message}]


def test_several_errors_are_all_listed_in_one_answer(csrf_client, bearer):
    body = {"on": "hier", "facts": {"boeth": "oui", "salaire": 2000}, "schemes": ["cif"]}
    response = csrf_client.post(EVALUATE, body, content_type="application/json", headers=bearer)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert sorted(fields) == ["facts.boeth", "facts.salaire", "on", "schemes[0]"]
    assert response.json()["detail"].count("«") == 4


# Each pydantic error type the API can meet, with the French sentence it becomes.
@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "missing"}, "est obligatoire"),
        ({"type": "string_too_short", "ctx": {"min_length": 1}}, "doit contenir au moins 1 caractère"),
        ({"type": "string_too_long", "ctx": {"max_length": 20_000}}, "ne doit pas dépasser 20\u202f000 caractères"),
        ({"type": "string_pattern_mismatch", "ctx": {"pattern": "^x$"}}, "n'a pas le format attendu"),
        ({"type": "too_short", "ctx": {"min_length": 2}}, "doit contenir au moins 2 éléments"),
        ({"type": "too_long", "ctx": {"max_length": 1}}, "ne doit pas contenir plus de 1 élément"),
        ({"type": "literal_error", "ctx": {"expected": "'vae', 'cep' or 'cpf'"}}, "doit valoir : vae, cep ou cpf"),
        ({"type": "enum", "ctx": {"expected": "'A' or 'B'"}}, "doit valoir : A ou B"),
        ({"type": "int_parsing"}, "doit être un nombre entier"),
        ({"type": "float_type"}, "doit être un nombre"),
        ({"type": "finite_number"}, "doit être un nombre fini"),
        ({"type": "bool_type"}, "doit être un booléen (true ou false)"),
        ({"type": "greater_than_equal", "ctx": {"ge": 0.5}}, "doit être supérieur ou égal à 0,5"),
        (
            {"type": "less_than_equal", "ctx": {"le": 1_000_000_000}},
            "doit être inférieur ou égal à 1\u202f000\u202f000\u202f000",
        ),
        ({"type": "json_invalid", "ctx": {"error": "EOF"}}, "doit être du JSON valide"),
        ({"type": "extra_forbidden"}, "n'est pas un champ connu"),
        ({"type": "value_error", "ctx": {"error": "doit être une date qui existe"}}, "doit être une date qui existe"),
        ({"type": "a_type_pydantic_may_add_later"}, "est invalide"),
    ],
)
def test_pydantic_errors_become_french_sentences(error, message):
    [translated] = translate([{"loc": ("body", "payload", "profiles", 0, "riasec"), "msg": "English", **error}])
    assert translated == {"field": "profiles[0].riasec", "message": message}


def test_messages_follow_french_typography(csrf_client):
    detail = csrf_client.get("/api/v1/me").json()["detail"]
    assert detail.startswith(
        "Authentification requise\u202f: envoyez l'en-tête «\u202fAuthorization: Bearer trj_…\u202f»"
    )


def test_an_out_of_scope_object_is_a_404_with_the_same_shape():
    response = api.on_exception(RequestFactory().get("/api/v1/x"), Http404("Beneficiary matching query"))
    assert response.status_code == 404
    assert (
        response.content.decode()
        == '{"detail": "Objet introuvable ou hors de votre p\\u00e9rim\\u00e8tre.", "errors": []}'
    )


def test_every_operation_documents_its_errors_with_the_shared_shape(client):
    schema = client.get("/api/v1/openapi.json").json()
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["detail", "errors"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"401"} | ({"400", "403", "413", "422"} if method == "post" else set())
            assert expected <= set(responses), (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"] == error_ref, (method, path, status)
                    assert response["description"][0].isupper() and "Bad Request" not in response["description"]
