"""Fact vocabulary: the public contract of the engine's input.

The names come from `law/dispositifs.yaml` (`facts:`); they may be extended, never renamed. Each fact carries its
type, its allowed values, and the French question and help text a form can show to ask it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from trajectoire.schemes.errors import FactError

FactType = Literal["bool", "enum", "number", "integer", "date"]
FactGroup = Literal["situation", "contrat", "anciennete", "sante", "projet", "action"]
# How a form groups its questions (French legends); the order here breaks ties between equally decisive groups.
GROUP_LABELS: dict[str, str] = {
    "situation": "Situation",
    "action": "Action et financement",
    "contrat": "Contrat de travail",
    "anciennete": "Ancienneté et activité",
    "projet": "Projet",
    "sante": "Santé et handicap",
}
FactValue = bool | str | int | float | date

TYPE_LABELS: dict[str, str] = {
    "bool": "un booléen (true ou false)",
    "enum": "une des valeurs autorisées",
    "number": "un nombre",
    "integer": "un nombre entier",
    "date": "une date AAAA-MM-JJ",
}


class FactDefinition(BaseModel):
    """One fact of the vocabulary, as declared in `catalogue/facts.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: FactType
    question: str
    group: FactGroup
    help: str = ""
    description: str = ""
    values: tuple[str, ...] = ()
    value_labels: dict[str, str] = {}
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    sensitive: bool = False
    derived: bool = False

    @model_validator(mode="after")
    def _check_consistency(self) -> FactDefinition:
        if self.type == "enum" and not self.values:
            raise ValueError(f"le fait « {self.name} » est une énumération sans valeurs")
        if self.type != "enum" and self.values:
            raise ValueError(f"le fait « {self.name} » n'est pas une énumération mais déclare des valeurs")
        unknown_labels = set(self.value_labels) - set(self.values)
        if unknown_labels:
            raise ValueError(f"le fait « {self.name} » étiquette des valeurs inconnues : {sorted(unknown_labels)}")
        if (self.minimum is not None or self.maximum is not None) and self.type not in ("number", "integer"):
            raise ValueError(f"le fait « {self.name} » a des bornes mais n'est pas numérique")
        return self

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready description, e.g. for a web form asking the missing facts."""
        return {
            "name": self.name,
            "type": self.type,
            "question": self.question,
            "help": self.help,
            "values": [{"value": v, "label": self.value_labels.get(v, v)} for v in self.values],
            "minimum": self.minimum,
            "maximum": self.maximum,
            "unit": self.unit,
            "sensitive": self.sensitive,
            "derived": self.derived,
            "group": self.group,
        }

    def check_value(self, value: object) -> FactValue:
        """Return the value in its Python type, or raise ValueError with a French message."""
        expected = TYPE_LABELS[self.type]
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError(f"« {self.name} » doit être {expected}, reçu {value!r}")
        if self.type == "enum":
            if isinstance(value, str) and value in self.values:
                return value
            raise ValueError(f"« {self.name} » doit valoir l'une de {list(self.values)}, reçu {value!r}")
        if self.type == "date":
            if isinstance(value, date):
                return value
            if isinstance(value, str):
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
            raise ValueError(f"« {self.name} » doit être {expected}, reçu {value!r}")
        # number / integer
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"« {self.name} » doit être {expected}, reçu {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"« {self.name} » doit être un nombre fini, reçu {value!r}")
        if self.type == "integer":
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError(f"« {self.name} » doit être {expected}, reçu {value!r}")
                value = int(value)
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"« {self.name} » doit être supérieur ou égal à {_num(self.minimum)}, reçu {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"« {self.name} » doit être inférieur ou égal à {_num(self.maximum)}, reçu {value!r}")
        return value


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def validate_facts(
    definitions: Mapping[str, FactDefinition], raw: Mapping[str, object], *, on: date
) -> dict[str, FactValue]:
    """Check raw facts against the vocabulary; `None` means unknown and is dropped.

    Every problem is reported at once in one FactError. `as_of_date`, if given, must equal the evaluation date
    (the date is always an explicit argument of the evaluation).
    """
    if not isinstance(raw, Mapping):
        raise FactError("Les faits doivent être un objet JSON (clé → valeur).")
    problems: list[str] = []
    facts: dict[str, FactValue] = {}
    for name, value in raw.items():
        definition = definitions.get(name) if isinstance(name, str) else None
        if definition is None:
            problems.append(f"fait inconnu « {name} »")
            continue
        if value is None:
            continue
        try:
            facts[name] = definition.check_value(value)
        except ValueError as exc:
            problems.append(str(exc))
    as_of = facts.get("as_of_date")
    if as_of is not None and as_of != on:
        problems.append(f"« as_of_date » ({as_of}) diffère de la date d'évaluation ({on.isoformat()})")
    if problems:
        raise FactError("Faits invalides : " + " ; ".join(problems) + ".")
    facts["as_of_date"] = on
    return facts
