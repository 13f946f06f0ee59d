"""`python -m trajectoire.schemes evaluate` JSON is a public contract: fields are added, never removed or renamed."""

from __future__ import annotations

import io
import json

from trajectoire.schemes.cli import main

# The shape published before catalogue 2026.12.1 (docs/schemes.md, section 1).
TOP_KEYS = {"on", "catalogue_version", "schemes", "warnings"}
SCHEME_KEYS = {"id", "name", "status", "reasons", "missing_facts", "amounts", "undetermined_amounts", "uncertain"}
REASON_KEYS = {
    "text",
    "legal_refs",
    "rule",
    "kind",
    "outcome",
    "confidence",
    "rule_status",
    "uncertain",
    "flag",
    "source_urls",
    "last_verified",
}
CPF_AMOUNTS = {
    "annual_credit_eur",
    "ceiling_eur",
    "participation_forfaitaire_eur",
    "action_cap_eur",
    "annual_credit_hours",
    "ceiling_hours",
}


def _evaluate(facts: dict, on: str) -> dict:
    out = io.StringIO()
    assert main(["evaluate", "--facts", "-", "--on", on], stdin=io.StringIO(json.dumps(facts)), stdout=out) == 0
    return json.loads(out.getvalue())


def test_every_published_key_is_still_there_and_the_additions_are_documented_ones() -> None:
    data = _evaluate({"status": "salarie_prive", "action_type": "bilan_competences", "framework": "cpf"}, "2026-03-02")
    assert TOP_KEYS <= set(data) and set(data) - TOP_KEYS == {"catalogue_label"}
    for scheme in data["schemes"]:
        assert SCHEME_KEYS <= set(scheme) and set(scheme) - SCHEME_KEYS == {"amount_sources"}
        for reason in scheme["reasons"]:
            assert REASON_KEYS <= set(reason) and set(reason) - REASON_KEYS == {"official_source"}
    cpf = next(s for s in data["schemes"] if s["id"] == "cpf")
    assert CPF_AMOUNTS <= set(cpf["amounts"]) and set(cpf["amounts"]) - CPF_AMOUNTS == {"remaining_cost_eur"}
    assert len(data["schemes"]) == 9  # the command line still evaluates every scheme by default


def test_the_remaining_cost_and_its_source_come_out_of_the_command_line() -> None:
    facts = {
        "status": "salarie_prive",
        "framework": "cpf",
        "beneficiary_consent": True,
        "bilan_funded_by_funder_last_5_years": False,
        "action_price_eur": 1890,
    }
    data = _evaluate(facts, "2026-03-02")
    bilan = next(s for s in data["schemes"] if s["id"] == "bilan_competences")
    assert bilan["amounts"]["cpf_cap_eur"] == 1600 and bilan["amounts"]["cpf_remaining_cost_eur"] == 290
    assert bilan["amount_sources"]["cpf_remaining_cost_eur"] == {
        "rule": "cpf_action_remaining_cost",
        "confidence": "medium",
        "uncertain": True,
    }
    assert data["catalogue_label"].startswith("catalogue du ")
