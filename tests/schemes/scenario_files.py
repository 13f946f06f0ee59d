"""Load the YAML scenarios of tests/schemes/scenarios/ (OpenFisca-style: a sentence, a date, facts, expected)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
EXPECTED_KEYS = {
    "status",
    "amounts",
    "missing_facts",
    "undetermined_amounts",
    "reasons_include",
    "reasons_exclude",
    "texts_include",
    "texts_exclude",
    "uncertain",
}


@dataclass(frozen=True)
class Scenario:
    file: str
    index: int
    name: str
    on: date
    facts: dict[str, Any]
    expected: dict[str, dict[str, Any]]

    @property
    def id(self) -> str:
        return f"{self.file}-{self.index:02d}"


def load_scenarios() -> list[Scenario]:
    out = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        for index, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), start=1):
            out.append(
                Scenario(
                    file=path.stem,
                    index=index,
                    name=raw["name"],
                    on=raw["date"],
                    facts=dict(raw.get("facts") or {}),
                    expected=raw["expected"],
                )
            )
    return out
