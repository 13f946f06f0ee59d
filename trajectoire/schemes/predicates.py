"""Predicates over facts, with three-valued (Kleene) logic: True, False or None (unknown).

Syntax in the catalogue (same as `law/dispositifs.yaml`): nested maps with the combinators `all`, `any`, `not`;
leaves `{fact, op, value}`; `{ref: <rule_id>}` reuses the predicate of another rule (e.g. an exemption);
`{undetermined: "<why>"}` is always unknown (a case the catalogue knowingly does not settle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from trajectoire.schemes.facts import FactDefinition, FactValue

OPERATORS = ("eq", "ne", "in", "not_in", "gte", "gt", "lte", "lt", "is_true", "is_false", "is_known")
ORDERED_TYPES = ("number", "integer", "date")


@dataclass(frozen=True, slots=True)
class Leaf:
    fact: str
    op: str
    value: object = None


@dataclass(frozen=True, slots=True)
class All:
    children: tuple[Predicate, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    children: tuple[Predicate, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Predicate


@dataclass(frozen=True, slots=True)
class Ref:
    rule_id: str


@dataclass(frozen=True, slots=True)
class Undetermined:
    why: str


Predicate = Leaf | All | AnyOf | Not | Ref | Undetermined


def parse_predicate(raw: object, facts: Mapping[str, FactDefinition]) -> Predicate:
    """Build a predicate from its YAML form; raise ValueError (French) on unknown facts or bad values."""
    if not isinstance(raw, Mapping) or not raw:
        raise ValueError(f"prédicat invalide : {raw!r}")
    keys = set(raw)
    if keys == {"all"} or keys == {"any"}:
        key = next(iter(keys))
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ValueError(f"« {key} » attend une liste non vide de prédicats")
        children = tuple(parse_predicate(item, facts) for item in items)
        return All(children) if key == "all" else AnyOf(children)
    if keys == {"not"}:
        return Not(parse_predicate(raw["not"], facts))
    if keys == {"ref"}:
        if not isinstance(raw["ref"], str):
            raise ValueError(f"« ref » attend un identifiant de règle, reçu {raw['ref']!r}")
        return Ref(raw["ref"])
    if keys == {"undetermined"}:
        return Undetermined(str(raw["undetermined"]))
    if "fact" in keys and "op" in keys and keys <= {"fact", "op", "value"}:
        return _parse_leaf(raw, facts)
    raise ValueError(f"prédicat invalide (clés {sorted(map(str, keys))})")


def _parse_leaf(raw: Mapping[str, object], facts: Mapping[str, FactDefinition]) -> Leaf:
    name, op = raw["fact"], raw["op"]
    if not isinstance(name, str) or name not in facts:
        raise ValueError(f"fait inconnu « {name} »")
    if op not in OPERATORS:
        raise ValueError(f"opérateur inconnu « {op} » sur le fait « {name} »")
    definition = facts[name]
    value = raw.get("value")
    if op in ("is_true", "is_false"):
        if definition.type != "bool":
            raise ValueError(f"« {op} » ne s'applique qu'à un booléen, pas au fait « {name} »")
        return Leaf(name, op)
    if op == "is_known":
        return Leaf(name, op)
    if "value" not in raw:
        raise ValueError(f"l'opérateur « {op} » sur le fait « {name} » attend une valeur")
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ValueError(f"« {op} » sur le fait « {name} » attend une liste non vide")
        return Leaf(name, op, frozenset(definition.check_value(v) for v in value))
    if op in ("gte", "gt", "lte", "lt") and definition.type not in ORDERED_TYPES:
        raise ValueError(f"« {op} » ne s'applique pas au fait non ordonné « {name} »")
    return Leaf(name, op, definition.check_value(value))


def referenced_rules(predicate: Predicate) -> set[str]:
    """Rule ids used through `ref` anywhere in the predicate."""
    if isinstance(predicate, Ref):
        return {predicate.rule_id}
    if isinstance(predicate, All | AnyOf):
        out: set[str] = set()
        for child in predicate.children:
            out |= referenced_rules(child)
        return out
    if isinstance(predicate, Not):
        return referenced_rules(predicate.child)
    return set()


def facts_used(predicate: Predicate) -> set[str]:
    """Fact names read by the predicate (not following refs)."""
    if isinstance(predicate, Leaf):
        return {predicate.fact}
    if isinstance(predicate, All | AnyOf):
        out: set[str] = set()
        for child in predicate.children:
            out |= facts_used(child)
        return out
    if isinstance(predicate, Not):
        return facts_used(predicate.child)
    return set()


Truth = bool | None
NO_MISSING: frozenset[str] = frozenset()


def compare(op: str, actual: FactValue, expected: object) -> bool:
    """Apply a leaf operator to a known value. Values were type-checked at load and at input."""
    if op == "eq":
        return actual == expected
    if op == "ne":
        return actual != expected
    if op == "in":
        return actual in expected  # type: ignore[operator]
    if op == "not_in":
        return actual not in expected  # type: ignore[operator]
    if op == "is_true":
        return actual is True
    if op == "is_false":
        return actual is False
    if isinstance(actual, date) != isinstance(expected, date):
        return False
    if op == "gte":
        return actual >= expected  # type: ignore[operator]
    if op == "gt":
        return actual > expected  # type: ignore[operator]
    if op == "lte":
        return actual <= expected  # type: ignore[operator]
    if op == "lt":
        return actual < expected  # type: ignore[operator]
    raise AssertionError(op)  # unreachable: operators are checked at load
