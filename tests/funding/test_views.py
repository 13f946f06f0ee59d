"""The « Pistes de financement » pages and the rules page, through the Django test client."""

import re
from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import login_as
from tests.factories import AccompanimentFactory, BeneficiaryFactory
from trajectoire.funding.models import SchemeEvaluation
from trajectoire.funding.services import scheme_evaluation_create
from trajectoire.schemes import load_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(case_world):
    return case_world


def _as(client, world, who):
    return login_as(client, world, who)


def _url(case):
    return reverse("web:case_funding", args=[case.pk])


def _record(case, facts=None):
    return scheme_evaluation_create(
        actor=case.counsellor, accompaniment=case, facts=facts or {"status": "salarie_prive"}, on=date(2026, 3, 2)
    )


def _without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


CASE_MATRIX = {"owner": 200, "manager": 200, "colleague": 404, "other_centre": 404, "analyst": 403, "anonymous": 302}
RULES_MATRIX = {"owner": 403, "manager": 200, "colleague": 403, "other_centre": 403, "analyst": 403, "anonymous": 302}


@pytest.mark.parametrize("who", CASE_MATRIX)
def test_panel_permissions(client, world, who):
    response = _as(client, world, who).get(_url(world["case"]))
    assert response.status_code == CASE_MATRIX[who]


@pytest.mark.parametrize("who", CASE_MATRIX)
def test_stored_evaluation_permissions(client, world, who):
    record = _record(world["case"])
    response = _as(client, world, who).get(reverse("web:case_funding_evaluation", args=[world["case"].pk, record.pk]))
    assert response.status_code == CASE_MATRIX[who]


@pytest.mark.parametrize("who", CASE_MATRIX)
def test_saving_permissions_and_nothing_stored_when_refused(client, world, who):
    data = {"on": "2026-03-02", "status": "salarie_prive", "action": "save"}
    response = _as(client, world, who).post(_url(world["case"]), data)
    expected = {"owner": 302, "manager": 302}.get(who, CASE_MATRIX[who])
    assert response.status_code == expected
    assert SchemeEvaluation.objects.exists() is (who in {"owner", "manager"})


@pytest.mark.parametrize("who", RULES_MATRIX)
def test_rules_page_is_for_managers(client, world, who):
    response = _as(client, world, who).get(reverse("web:scheme_rules"))
    assert response.status_code == RULES_MATRIX[who]


def test_the_panel_evaluates_on_the_planned_start_with_the_facts_of_the_case(client, world):
    client.force_login(world["owner"])
    response = client.get(_url(world["case"]))
    html = response.content.decode()
    assert 'value="2026-03-02"' in html
    assert "Évaluation au <strong>2 mars 2026</strong>" in html
    assert "Déjà connu" in html and "Modifier ces informations" in html
    catalogue = load_catalogue()
    assert (
        f'title="Version exacte, pour reproduire l\'évaluation : {catalogue.version}">{catalogue.label}</span>' in html
    )
    # Schemes left aside for a bilan are named, with a way to examine them all.
    assert "Projet de transition professionnelle (PTP)" in html and "?tous=1" in html
    assert response.context["form"]["status"].value() == "salarie_prive"
    assert response.context["result"]["on"] == "2026-03-02"
    # Only what can change an answer of the bilan's schemes is asked; the case's own facts are summarised instead.
    asked = {f.name for _, fields in response.context["question_groups"] for f in fields}
    assert asked == {"bilan_funded_by_funder_last_5_years", "beneficiary_consent"}
    known = {f.name for f in response.context["known_fields"]}
    assert {"status", "action_type", "framework", "initiated_by", "action_price_eur"} <= known
    assert [s["id"] for s in response.context["result"]["schemes"]] == ["bilan_competences", "cep"]
    # Sources, reasons and « à vérifier » are visible.
    assert "légifrance" in html.lower() or "legifrance" in html
    assert "⚠ à vérifier" in html
    assert "funding-print.css" in html and "js/funding.js" in html


def test_a_case_without_planned_start_asks_for_a_date(client, world):
    case = world["case"]
    case.planned_start = None
    case.planned_end = None
    case.save()
    client.force_login(world["owner"])
    response = client.get(_url(case))
    assert "Le début prévu de l'accompagnement n'est pas renseigné" in response.content.decode()
    assert response.context["result"] is None
    response = client.get(_url(case), {"on": "2023-12-31"})
    assert response.context["result"]["on"] == "2023-12-31"


def test_another_date_can_be_chosen_explicitly(client, world):
    client.force_login(world["owner"])
    response = client.post(_url(world["case"]), {"on": "2025-06-01", "status": "salarie_prive", "tous": "1"})
    result = response.context["result"]
    assert result["on"] == "2025-06-01"
    statuses = {s["id"]: s["status"] for s in result["schemes"]}
    assert statuses["pro_a"] != "not_in_force"  # Pro-A still existed in June 2025
    assert not SchemeEvaluation.objects.exists()


def test_htmx_returns_the_panel_only_and_asks_the_next_questions(client, world):
    client.force_login(world["owner"])
    base = {
        "on": "2026-03-02",
        "status": "salarie_prive",
        "action_type": "bilan_competences",
        "framework": "cpf",
        "project_type": "changement_metier_formation_certifiante",
    }
    first = client.post(_url(world["case"]), base, headers={"HX-Request": "true"})
    html = first.content.decode()
    assert html.lstrip().startswith('<div id="funding-panel">')
    assert "<html" not in html and "Évaluations enregistrées" not in html
    asked_before = {f.name for _, fields in first.context["question_groups"] for f in fields}
    assert "contract_type" in asked_before
    second = client.post(_url(world["case"]), {**base, "status": "demandeur_emploi"}, headers={"HX-Request": "true"})
    asked_after = {f.name for _, fields in second.context["question_groups"] for f in fields}
    # A job seeker cannot have a PTP (an employee's leave): its questions go, the bilan's stay.
    assert "reemployed_after_eco_or_inaptitude_dismissal_without_training" in asked_before
    assert "reemployed_after_eco_or_inaptitude_dismissal_without_training" not in asked_after
    assert "bilan_funded_by_funder_last_5_years" in asked_after
    assert second.context["question_count"] < first.context["question_count"]


def test_the_htmx_panel_equals_the_panel_of_the_full_page(client, world):
    client.force_login(world["owner"])
    data = {"on": "2026-03-02", "status": "salarie_prive", "working_time_ratio": "0,5"}
    partial = client.post(_url(world["case"]), data, headers={"HX-Request": "true"}).content.decode()
    full = client.post(_url(world["case"]), data).content.decode()
    assert _without_csrf(partial).strip() in _without_csrf(full)


def test_a_bad_answer_is_shown_next_to_its_field_and_nothing_is_stored(client, world):
    client.force_login(world["owner"])
    data = {"on": "2026-03-02", "working_time_ratio": "1,5", "highest_qualification_level": "12", "action": "save"}
    response = client.post(_url(world["case"]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "inférieure ou égale à 1" in form.errors["working_time_ratio"][0]
    assert form.errors["highest_qualification_level"]
    html = response.content.decode()
    assert 'id="id_working_time_ratio"' in html  # the field in error stays on screen, with its message
    assert not SchemeEvaluation.objects.exists()


def test_a_bad_date_is_refused_in_french(client, world):
    client.force_login(world["owner"])
    response = client.post(_url(world["case"]), {"on": "", "action": "save"})
    assert response.context["form"].errors["on"] == ["Indiquez la date à laquelle évaluer les dispositifs."]
    response = client.post(_url(world["case"]), {"on": "02/03/2026x"})
    assert response.context["form"].errors["on"]
    assert not SchemeEvaluation.objects.exists()


def test_saving_stores_the_evaluation_and_shows_it_reproduced(client, world):
    client.force_login(world["owner"])
    data = {
        "on": "2026-03-02",
        "status": "salarie_prive",
        "private_law_contract": "oui",
        "action_type": "bilan_competences",
        "framework": "cpf",
        "working_time_ratio": "0,8",
        "highest_qualification_level": "4",
        "action": "save",
    }
    response = client.post(_url(world["case"]), data, follow=True)
    record = SchemeEvaluation.objects.get()
    assert record.facts["working_time_ratio"] == 0.8
    assert record.facts["highest_qualification_level"] == 4
    assert record.facts["private_law_contract"] is True
    assert record.evaluated_on == date(2026, 3, 2)
    assert record.catalogue_version == load_catalogue().version
    html = response.content.decode()
    assert "évaluation est enregistrée : elle pourra être reproduite" in html
    assert "Reproduite à l'identique" in html
    assert "Quelle part d&#x27;un temps plein" in html and "0,8" in html
    # Listed on the panel and announced on the case page.
    assert record.catalogue_version in client.get(_url(world["case"])).content.decode()
    detail = client.get(reverse("web:case_detail", args=[world["case"].pk])).content.decode()
    assert reverse("web:case_funding", args=[world["case"].pk]) in detail
    assert "1\u00a0évaluation enregistrée" in detail  # number and noun held by a no-break space


def test_health_answers_are_stored_only_with_explicit_consent(client, world):
    client.force_login(world["owner"])
    data = {"on": "2026-03-02", "status": "salarie_prive", "boeth": "oui", "action": "save"}
    response = client.post(_url(world["case"]), data)
    assert "consentement explicite" in response.context["form"].errors["health_consent"][0]
    assert not SchemeEvaluation.objects.exists()
    client.post(_url(world["case"]), {**data, "health_consent": "on"})
    assert SchemeEvaluation.objects.get().sensitive_facts_consented


def test_a_stored_evaluation_under_older_rules_is_shown_as_given_then(client, world):
    record = _record(world["case"])
    SchemeEvaluation.objects.filter(pk=record.pk).update(catalogue_version="2025.1.0+0000000000")
    client.force_login(world["owner"])
    html = client.get(reverse("web:case_funding_evaluation", args=[world["case"].pk, record.pk])).content.decode()
    assert "Les règles ont changé depuis" in html
    assert f"?depuis={record.pk}" in html


def test_a_tampered_result_is_not_reported_as_reproduced(client, world):
    record = _record(world["case"])
    SchemeEvaluation.objects.filter(pk=record.pk).update(result={**record.result, "warnings": ["autre"]})
    client.force_login(world["owner"])
    html = client.get(reverse("web:case_funding_evaluation", args=[world["case"].pk, record.pk])).content.decode()
    assert "ne redonnent pas ce résultat" in html


def test_resuming_a_stored_evaluation_fills_in_its_answers_and_date(client, world):
    record = scheme_evaluation_create(
        actor=world["owner"],
        accompaniment=world["case"],
        facts={"status": "demandeur_emploi", "is_job_seeker": True},
        on=date(2025, 6, 1),
    )
    client.force_login(world["owner"])
    response = client.get(_url(world["case"]), {"depuis": record.pk})
    assert response.context["result"]["on"] == "2025-06-01"
    assert response.context["form"]["is_job_seeker"].value() == "oui"


def test_an_evaluation_of_another_case_is_not_found_under_this_case(client, world):
    other = AccompanimentFactory(
        beneficiary=BeneficiaryFactory(centre=world["case"].centre), counsellor=world["owner"]
    )
    record = _record(other)
    client.force_login(world["owner"])
    url = reverse("web:case_funding_evaluation", args=[world["case"].pk, record.pk])
    assert client.get(url).status_code == 404
    assert client.get(_url(world["case"]), {"depuis": record.pk}).status_code == 404


def test_the_rules_page_lists_rules_highlights_those_to_verify_and_renders_the_changelog(client, world):
    client.force_login(world["manager"])
    response = client.get(reverse("web:scheme_rules"))
    html = response.content.decode()
    catalogue = load_catalogue()
    assert response.context["rule_count"] == len(catalogue.rule_rows())
    assert len(response.context["to_verify"]) == len(catalogue.to_verify())
    assert 'class="table-warning"' in html
    assert "Participation forfaitaire" in html
    assert 'href="https://' in html
    assert "<h3>Journal des règles des dispositifs</h3>" in html
    assert "<strong>100 €</strong>" in html


def test_the_rules_page_filters_by_scheme_and_by_to_verify(client, world):
    client.force_login(world["manager"])
    response = client.get(reverse("web:scheme_rules"), {"dispositif": "vae"})
    assert [g["id"] for g in response.context["groups"]] == ["vae"]
    response = client.get(reverse("web:scheme_rules"), {"dispositif": "vae", "a_verifier": "1"})
    assert all(item["row"].to_verify for g in response.context["groups"] for item in g["rules"])
    response = client.get(reverse("web:scheme_rules"), {"dispositif": "inconnu"})
    assert len(response.context["groups"]) == len(load_catalogue().schemes)


def test_managers_see_the_rules_link_in_the_menu(client, world):
    client.force_login(world["manager"])
    assert reverse("web:scheme_rules") in client.get(reverse("web:home")).content.decode()
    client.force_login(world["owner"])
    assert reverse("web:scheme_rules") not in client.get(reverse("web:home")).content.decode()
