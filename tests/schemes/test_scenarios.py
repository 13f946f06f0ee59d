"""YAML scenarios around every change date of the catalogue, run against the evaluator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.schemes.scenario_files import EXPECTED_KEYS, Scenario, load_scenarios
from trajectoire.schemes import STATUSES, evaluate, load_catalogue

SCENARIOS = load_scenarios()
AFTER_WINDOW_DAYS = 31


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(scenario: Scenario, catalogue) -> None:
    result = evaluate(catalogue, scenario.facts, scenario.on, schemes=list(scenario.expected))
    for scheme_id, expected in scenario.expected.items():
        got = result.scheme(scheme_id)
        where = f"« {scenario.name} » ({scenario.on}, {scheme_id})"
        reasons = {r.rule_id for r in got.reasons}
        # Amounts use no-break spaces (narrow ones between thousands): compare with plain spaces.
        texts = " | ".join(r.text for r in got.reasons).replace("\u00a0", " ").replace("\u202f", " ")
        if "status" in expected:
            assert got.status == expected["status"], f"{where}: statut {got.status}\n{texts}"
        for key, value in (expected.get("amounts") or {}).items():
            assert key in got.amounts, f"{where}: montant inconnu {key}"
            if value is None:
                assert got.amounts[key] is None, f"{where}: {key} = {got.amounts[key]}, attendu null"
            else:
                assert got.amounts[key] == pytest.approx(value), (
                    f"{where}: {key} = {got.amounts[key]}, attendu {value}"
                )
        if "missing_facts" in expected:
            assert list(got.missing_facts) == expected["missing_facts"], f"{where}: faits manquants"
        if "undetermined_amounts" in expected:
            assert list(got.undetermined_amounts) == expected["undetermined_amounts"], (
                f"{where}: montants indéterminés"
            )
        for rule_id in expected.get("reasons_include", []):
            assert rule_id in reasons, f"{where}: motif {rule_id} absent\n{texts}"
        for rule_id in expected.get("reasons_exclude", []):
            assert rule_id not in reasons, f"{where}: motif {rule_id} présent\n{texts}"
        for fragment in expected.get("texts_include", []):
            assert fragment in texts, f"{where}: texte « {fragment} » absent\n{texts}"
        for fragment in expected.get("texts_exclude", []):
            assert fragment not in texts, f"{where}: texte « {fragment} » présent\n{texts}"
        if "uncertain" in expected:
            assert got.uncertain is expected["uncertain"], f"{where}: uncertain = {got.uncertain}\n{texts}"


def test_scenarios_are_well_formed(catalogue) -> None:
    schemes = {s.id for s in catalogue.schemes}
    names = [s.name for s in SCENARIOS]
    assert len(names) == len(set(names)), "deux scénarios portent le même nom"
    for scenario in SCENARIOS:
        assert isinstance(scenario.on, date), scenario.name
        assert scenario.expected, scenario.name
        for scheme_id, expected in scenario.expected.items():
            assert scheme_id in schemes, f"{scenario.name}: dispositif inconnu {scheme_id}"
            assert set(expected) <= EXPECTED_KEYS, f"{scenario.name}: clés inconnues {set(expected) - EXPECTED_KEYS}"
            assert expected.get("status", STATUSES[0]) in STATUSES, scenario.name
            for rule_id in expected.get("reasons_include", []) + expected.get("reasons_exclude", []):
                assert rule_id in catalogue.rules or rule_id == "catalogue_coverage", f"{scenario.name}: {rule_id}"


def test_every_change_date_has_scenarios_just_before_at_and_after(catalogue) -> None:
    """For each scheme and each day one of its rules changes: a scenario the day before, the day itself, and
    within the month after — each checking that scheme."""
    dated: dict[str, set[date]] = {}
    for scenario in SCENARIOS:
        for scheme_id in scenario.expected:
            dated.setdefault(scheme_id, set()).add(scenario.on)
    gaps = []
    for scheme_id, changes in catalogue.change_dates().items():
        days = dated.get(scheme_id, set())
        for change in sorted(changes):
            before = change - timedelta(days=1)
            after = any(change < d <= change + timedelta(days=AFTER_WINDOW_DAYS) for d in days)
            if before not in days or change not in days or not after:
                gaps.append(f"{scheme_id} {change}")
    assert not gaps, "changements sans scénarios veille / jour / après : " + ", ".join(gaps)


def test_every_scheme_has_scenarios(catalogue) -> None:
    covered = {scheme_id for s in SCENARIOS for scheme_id in s.expected}
    assert covered == {s.id for s in catalogue.schemes}
