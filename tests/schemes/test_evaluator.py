"""The Python API used by the future Django glue: shapes, fact checks, purity."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from trajectoire.schemes import FactError, SchemesError, evaluate, load_catalogue

PACKAGE = Path(__file__).resolve().parents[2] / "trajectoire" / "schemes"
ON = date(2026, 3, 2)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_to_dict_has_the_keys_of_the_issue(catalogue) -> None:
    data = evaluate(catalogue, {"status": "salarie_prive"}, ON).to_dict()
    assert {"on", "catalogue_version", "schemes"} <= set(data)
    assert data["on"] == "2026-03-02"
    assert data["catalogue_version"] == catalogue.version
    for scheme in data["schemes"]:
        assert {"id", "status", "reasons", "missing_facts", "amounts"} <= set(scheme)
        for reason in scheme["reasons"]:
            assert {"text", "legal_refs"} <= set(reason)
            assert reason["text"] and reason["legal_refs"]
    json.dumps(data)


def test_cpf_amounts_always_carry_the_three_required_keys(catalogue) -> None:
    amounts = evaluate(catalogue, {}, ON).scheme("cpf").amounts
    assert {"annual_credit_eur", "ceiling_eur", "participation_forfaitaire_eur"} <= set(amounts)


def test_every_scheme_is_answered_in_catalogue_order(catalogue) -> None:
    ids = [s.id for s in evaluate(catalogue, {}, ON).schemes]
    assert ids == catalogue.meta.schemes


def test_uncertain_reasons_are_marked_to_verify(catalogue) -> None:
    result = evaluate(catalogue, {"status": "salarie_prive"}, ON).scheme("cpf")
    drafts = [r for r in result.reasons if r.outcome == "draft"]
    assert drafts, "the 150 € draft must be shown"
    for reason in drafts:
        assert reason.uncertain and reason.text.startswith("À vérifier")
        assert reason.to_dict()["flag"] == "à vérifier"
    assert result.amounts["participation_forfaitaire_eur"] in (None, 103.2)  # never 150


def test_missing_facts_come_with_questions_for_a_form(catalogue) -> None:
    result = evaluate(catalogue, {"status": "salarie_prive"}, ON)
    assert result.missing_facts
    definitions = catalogue.fact_definitions(result.missing_facts)
    assert {d.name for d in definitions} == set(result.missing_facts)
    for definition in definitions:
        data = definition.to_dict()
        assert data["question"] and "help" in data
        if definition.type == "enum":
            assert all(v["label"] for v in data["values"])


def test_rule_rows_list_dates_sources_confidence_status_and_verification(catalogue) -> None:
    rows = catalogue.rule_rows()
    assert len(rows) > 50
    row = next(
        r for r in rows if r.rule_id == "cpf_participation_forfaitaire" and r.effective_from == date(2025, 1, 1)
    )
    data = row.to_dict()
    assert data["effective_to"] == "2025-12-31" and data["confidence"] == "medium" and data["status"] == "ended"
    assert data["source_urls"] and data["legal_refs"] and data["last_verified"]
    assert data["secondary_only"] is True and data["to_verify"] is True  # a training seller's page only


def test_the_same_input_gives_the_same_output(catalogue) -> None:
    facts = {"status": "salarie_prive", "action_type": "bilan_competences", "framework": "cpf"}
    assert evaluate(catalogue, facts, ON).to_dict() == evaluate(catalogue, facts, ON).to_dict()


def test_a_warning_says_when_the_date_is_past_the_sources(catalogue) -> None:
    assert evaluate(catalogue, {}, date(2026, 2, 25)).warnings == ()
    assert evaluate(catalogue, {}, date(2026, 2, 26)).warnings


def test_the_scheme_subset_is_respected(catalogue) -> None:
    result = evaluate(catalogue, {}, ON, schemes=["vae", "cep"])
    assert [s.id for s in result.schemes] == ["vae", "cep"]
    with pytest.raises(SchemesError, match="dispositif inconnu : cif"):
        evaluate(catalogue, {}, ON, schemes=["cif"])


# --- facts -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "fragment"),
    [
        ({"favourite_colour": "bleu"}, "fait inconnu « favourite_colour »"),
        ({"status": "cadre"}, "« status » doit valoir l'une de"),
        ({"boeth": "oui"}, "« boeth » doit être un booléen"),
        ({"boeth": 1}, "« boeth » doit être un booléen"),
        ({"working_time_ratio": 1.5}, "inférieur ou égal à 1"),
        ({"working_time_ratio": -0.1}, "supérieur ou égal à 0"),
        ({"working_time_ratio": True}, "doit être un nombre"),
        ({"working_time_ratio": float("nan")}, "nombre fini"),
        ({"highest_qualification_level": 4.5}, "nombre entier"),
        ({"highest_qualification_level": 9}, "inférieur ou égal à 8"),
        ({"as_of_date": "2020-01-01"}, "diffère de la date d'évaluation"),
        ({"as_of_date": "hier"}, "date AAAA-MM-JJ"),
    ],
)
def test_bad_facts_raise_a_french_error(catalogue, facts, fragment) -> None:
    with pytest.raises(FactError) as error:
        evaluate(catalogue, facts, ON)
    assert fragment in str(error.value)


def test_all_fact_problems_are_reported_at_once(catalogue) -> None:
    with pytest.raises(FactError) as error:
        evaluate(catalogue, {"nope": 1, "status": "x"}, ON)
    assert "nope" in str(error.value) and "status" in str(error.value)


def test_null_means_unknown_and_integers_may_come_as_floats(catalogue) -> None:
    result = evaluate(catalogue, {"status": None, "highest_qualification_level": 4.0, "as_of_date": "2026-03-02"}, ON)
    assert "status" in result.scheme("ptp").missing_facts


def test_facts_must_be_a_mapping(catalogue) -> None:
    with pytest.raises(FactError):
        evaluate(catalogue, ["status"], ON)  # type: ignore[arg-type]


# --- purity ------------------------------------------------------------------------------------------------------


def test_the_engine_never_reads_the_clock() -> None:
    pattern = re.compile(r"\b(today|now|utcnow)\s*\(")
    for path in PACKAGE.rglob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_the_engine_imports_no_django() -> None:
    code = (
        "import sys, trajectoire.schemes, trajectoire.schemes.cli; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
