"""Which questions to ask next, and in what order: only facts that can still change an answer.

Steps (pure, no Django, the date is an argument):
1. **Relevant schemes**: each scheme may declare `relevant_when` (a predicate over the case's facts, e.g. the bilan
   for `action_type: bilan_competences`, the PTP only for a project with a certifying training). A scheme is examined
   when its predicate is true, or when it has none; an unknown or false predicate leaves it aside (« autres
   dispositifs ») unless the caller asks for every scheme. Relevance facts are never asked for their own sake.
2. **Candidates**: the missing facts of the examined schemes whose status or amounts are still open. A scheme already
   excluded or settled asks nothing (the engine's three-valued logic already skips an `all` with a false child).
3. **Probe**: each candidate is tried with the values that matter to the catalogue (both booleans, every enum value,
   each numeric threshold found in a predicate and its neighbours, the bounds). A fact none of whose values changes
   any examined result (status, amounts, amounts left open) is not asked. A scheme left open always keeps at least
   its own questions, so that a pair of facts that only matter together is never dropped.
4. **Order**: a fact's weight is the number of schemes whose result it can change; questions are grouped by their
   fact's `group` (situation, contrat, ancienneté…), heaviest group first, heaviest question first within a group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from trajectoire.schemes.evaluator import Evaluation, SchemeResult, evaluate, predicate_truth
from trajectoire.schemes.facts import GROUP_LABELS, FactDefinition, FactValue
from trajectoire.schemes.loader import Catalogue
from trajectoire.schemes.models import Excess, Prorata
from trajectoire.schemes.predicates import All, AnyOf, Leaf, Not, Predicate

OPEN = "undetermined"


@dataclass(frozen=True, slots=True)
class Question:
    fact: str
    definition: FactDefinition
    decides: tuple[str, ...]  # ids of the examined schemes whose result an answer can change

    @property
    def weight(self) -> int:
        return len(self.decides)


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    id: str
    label: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class QuestionPlan:
    evaluation: Evaluation  # of the examined schemes only, in catalogue order
    examined: tuple[str, ...]
    others: tuple[str, ...]  # schemes left aside for this kind of case and project
    groups: tuple[QuestionGroup, ...]

    @property
    def questions(self) -> list[Question]:
        return [q for group in self.groups for q in group.questions]

    @property
    def count(self) -> int:
        return sum(len(group.questions) for group in self.groups)


def relevant_schemes(catalogue: Catalogue, facts: Mapping[str, object], on: date) -> tuple[list[str], list[str]]:
    """(examined, left aside) scheme ids for these facts: `relevant_when` true or absent → examined."""
    examined: list[str] = []
    others: list[str] = []
    for scheme in catalogue.schemes:
        if scheme.relevant_when is None or predicate_truth(catalogue, scheme.relevant_when, facts, on) is True:
            examined.append(scheme.id)
        else:
            others.append(scheme.id)
    return examined, others


def plan_questions(
    catalogue: Catalogue,
    facts: Mapping[str, object],
    on: date,
    *,
    every_scheme: bool = False,
) -> QuestionPlan:
    """Evaluate the schemes that matter for these facts and list the questions that can still change an answer.

    Raises FactError on invalid facts, like `evaluate`.
    """
    others: list[str] = []
    if every_scheme:
        examined = [s.id for s in catalogue.schemes]
    else:
        examined, others = relevant_schemes(catalogue, facts, on)
    evaluation = evaluate(catalogue, facts, on, schemes=examined)
    known = {name for name, value in facts.items() if value is not None}
    open_results = [r for r in evaluation.schemes if _is_open(r)]
    candidates: dict[str, list[str]] = {}
    for result in open_results:
        for name in result.missing_facts:
            definition = catalogue.facts.get(name)
            if name in known or definition is None or definition.derived:
                continue
            candidates.setdefault(name, []).append(result.id)

    baseline = {r.id: _signature(r) for r in evaluation.schemes}
    decides: dict[str, tuple[str, ...]] = {}
    for name, scheme_ids in candidates.items():
        changed: set[str] = set()
        for value in candidate_values(catalogue, name):
            trial = evaluate(catalogue, {**facts, name: value}, on, schemes=scheme_ids)
            changed |= {r.id for r in trial.schemes if _signature(r) != baseline[r.id]}
            if len(changed) == len(scheme_ids):
                break
        if changed:
            decides[name] = tuple(s for s in scheme_ids if s in changed)
    # Never leave an open scheme without a question (facts that only matter together, e.g. two unknowns of one
    # amount): keep its candidates with the scheme as what they decide.
    for result in open_results:
        own = [n for n in candidates if result.id in candidates[n]]
        if own and not any(result.id in decides.get(n, ()) for n in own):
            for name in own:
                decides[name] = tuple(sorted({*decides.get(name, ()), result.id}, key=examined.index))

    questions = [Question(n, catalogue.facts[n], decides[n]) for n in catalogue.facts if n in decides]
    return QuestionPlan(
        evaluation=evaluation,
        examined=tuple(examined),
        others=tuple(others),
        groups=group_questions(questions),
    )


def group_questions(questions: Iterable[Question]) -> tuple[QuestionGroup, ...]:
    """Group by the fact's group; heaviest group first (ties: GROUP_LABELS order), heaviest question first."""
    order = list(GROUP_LABELS)
    by_group: dict[str, list[Question]] = {}
    for question in questions:
        by_group.setdefault(question.definition.group, []).append(question)
    groups = []
    for group_id, items in by_group.items():
        items.sort(key=lambda q: -q.weight)  # stable: vocabulary order among equals
        groups.append(QuestionGroup(group_id, GROUP_LABELS.get(group_id, group_id), tuple(items)))
    groups.sort(key=lambda g: (-max(q.weight for q in g.questions), order.index(g.id) if g.id in order else 99))
    return tuple(groups)


def _is_open(result: SchemeResult) -> bool:
    return result.status == OPEN or (result.status == "eligible" and bool(result.undetermined_amounts))


def _signature(result: SchemeResult) -> tuple[object, ...]:
    return (result.status, tuple(sorted(result.amounts.items())), result.undetermined_amounts)


# -- values worth trying for a fact -------------------------------------------------------------------------------

_THRESHOLDS: dict[str, dict[str, set[float]]] = {}


def candidate_values(catalogue: Catalogue, name: str) -> list[FactValue]:
    """Values that can make a difference: both booleans, every enum value, each threshold ± one step, the bounds."""
    definition = catalogue.facts[name]
    if definition.type == "bool":
        return [True, False]
    if definition.type == "enum":
        return list(definition.values)
    if definition.type not in ("number", "integer"):
        return []
    thresholds = _thresholds(catalogue).get(name, set())
    step = 1 if definition.type == "integer" or (definition.maximum or 2) > 1 else 0.01
    raw = {definition.minimum if definition.minimum is not None else 0.0, 1.0}
    if definition.maximum is not None:
        raw.add(definition.maximum)
    for threshold in thresholds:
        raw |= {threshold - step, threshold, threshold + step}
    out: list[FactValue] = []
    for value in sorted(raw):
        if definition.minimum is not None and value < definition.minimum:
            continue
        if definition.maximum is not None and value > definition.maximum:
            continue
        out.append(int(value) if definition.type == "integer" else float(value))
    return out


def _thresholds(catalogue: Catalogue) -> dict[str, set[float]]:
    """Numeric constants compared with each fact anywhere in the catalogue (cached per catalogue version)."""
    cached = _THRESHOLDS.get(catalogue.version)
    if cached is not None:
        return cached
    out: dict[str, set[float]] = {}
    predicates: list[Predicate] = []
    for scheme in catalogue.schemes:
        if scheme.relevant_when is not None:
            predicates.append(scheme.relevant_when)
        for bound in scheme.rules:
            if bound.applies_when is not None:
                predicates.append(bound.applies_when)
            for version in bound.rule.versions:
                if version.predicate is not None:
                    predicates.append(version.predicate)
                for case in version.cases or []:
                    if case.when is not None:
                        predicates.append(case.when)
                    for value in case.values.values():
                        if isinstance(value, Prorata | Excess):
                            out.setdefault(value.fact, set())
    for predicate in predicates:
        _collect(predicate, out)
    _THRESHOLDS[catalogue.version] = out
    return out


def _collect(predicate: Predicate, out: dict[str, set[float]]) -> None:
    if isinstance(predicate, Leaf):
        value = predicate.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.setdefault(predicate.fact, set()).add(float(value))
    elif isinstance(predicate, All | AnyOf):
        for child in predicate.children:
            _collect(child, out)
    elif isinstance(predicate, Not):
        _collect(predicate.child, out)
