"""The documentation stays in step with the catalogue."""

from __future__ import annotations

from pathlib import Path

from trajectoire.schemes import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "schemes.md").read_text(encoding="utf-8")
CHANGELOG = (ROOT / "trajectoire" / "schemes" / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_guide_lists_every_fact() -> None:
    missing = [name for name in load_catalogue().facts if f"`{name}`" not in DOC]
    assert not missing, f"docs/schemes.md ne décrit pas : {missing}"


def test_the_guide_explains_every_rule_to_verify() -> None:
    missing = {row.rule_id for row in load_catalogue().to_verify() if f"`{row.rule_id}`" not in DOC}
    assert not missing, f"docs/schemes.md n'explique pas : {sorted(missing)}"


def test_the_changelog_has_an_entry_for_the_catalogue_version() -> None:
    assert f"Version {load_catalogue().meta.version}" in CHANGELOG
