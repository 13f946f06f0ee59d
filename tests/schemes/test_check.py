"""`python -m trajectoire.schemes check`: a readable report that lists every rule to verify and exits 0."""

from __future__ import annotations

import io
import subprocess
import sys

from trajectoire.schemes import load_catalogue
from trajectoire.schemes.cli import check_report, main


def test_check_prints_the_readable_version_and_exits_zero() -> None:
    out = io.StringIO()
    assert main(["check"], stdout=out) == 0
    report = out.getvalue()
    catalogue = load_catalogue()
    first = report.splitlines()[0]
    assert first == f"Catalogue valide : {catalogue.label} (version {catalogue.version})"
    assert first.startswith("Catalogue valide : catalogue du 1er décembre 2026, ")
    assert "adresses officielles" in report and "secondaires" in report


def test_check_lists_every_rule_resting_on_secondary_sources_only_with_its_sites() -> None:
    report = check_report(load_catalogue())
    header = next(line for line in report.splitlines() if "sources secondaires seulement" in line)
    section = report.split(header, 1)[1].split("\n\n", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("  - ")]
    assert "bilan_competences / bc_consent [in_force, confiance moyenne]" in section
    assert "french-business-law.com" in section
    assert "cpf / cpf_action_caps [in_force, confiance moyenne] 2026-02-26 → …" in section
    secondary = [r for r in load_catalogue().rule_rows() if r.secondary_only]
    unsettled = [r for r in secondary if r.status in ("draft", "unverified") or r.confidence == "low"]
    assert len(lines) == len(secondary) - len(unsettled)
    assert f"({len(lines)} versions)" in header


def test_check_separates_unsettled_rules_from_secondary_ones() -> None:
    report = check_report(load_catalogue())
    unsettled = report.split("À vérifier — projet", 1)[1].split("\n\n", 1)[0]
    assert "bc_min_duration [draft, confiance faible] projet signalé à partir du 2026-02-01" in unsettled
    assert "bc_consent" not in unsettled


def test_check_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "trajectoire.schemes", "check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stderr == ""
    assert "À vérifier — sources secondaires seulement" in done.stdout
