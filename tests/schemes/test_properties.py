"""Hypothesis: the evaluator is total — any known facts with valid values, any date, gives an answer."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from trajectoire.schemes import STATUSES, FactDefinition, FactError, evaluate, load_catalogue

CATALOGUE = load_catalogue()
DATES = st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31))


def value_strategy(fact: FactDefinition) -> st.SearchStrategy[object]:
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "enum":
        return st.sampled_from(fact.values)
    low = fact.minimum if fact.minimum is not None else 0
    high = fact.maximum if fact.maximum is not None else 5000
    if fact.type == "integer":
        return st.integers(min_value=int(low), max_value=int(high))
    # boundary values matter most: thresholds such as 0.5, 2, 6, 12, 24, 100, 600, 1300, 1600
    return st.one_of(
        st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False),
        st.sampled_from([v for v in (0, 0.5, 2, 4, 6, 12, 24, 100, 600, 1300, 1600) if low <= v <= high]),
    )


FACTS = st.fixed_dictionaries(
    {},
    optional={f.name: value_strategy(f) for f in CATALOGUE.facts.values() if not f.derived},
)


@settings(max_examples=400, deadline=None)
@given(facts=FACTS, on=DATES)
def test_any_valid_facts_on_any_date_give_an_answer(facts: dict[str, object], on: date) -> None:
    result = evaluate(CATALOGUE, facts, on)
    data = result.to_dict()
    json.dumps(data)
    assert [s["id"] for s in data["schemes"]] == CATALOGUE.meta.schemes
    for scheme in result.schemes:
        assert scheme.status in STATUSES
        assert scheme.reasons, scheme.id
        assert all(r.text and r.legal_refs for r in scheme.reasons)
        assert set(scheme.missing_facts) <= set(CATALOGUE.facts) - set(facts) - {"as_of_date"}
        assert set(scheme.undetermined_amounts) <= set(scheme.amounts)
        for key, amount in scheme.amounts.items():
            assert amount is None or (isinstance(amount, int | float) and amount >= 0), (scheme.id, key)
            if key in scheme.undetermined_amounts:
                assert amount is None
        if scheme.status == "undetermined" and not scheme.uncertain:
            assert scheme.missing_facts, f"{scheme.id}: undetermined without missing facts nor flag"


@settings(max_examples=200, deadline=None)
@given(facts=FACTS, on=DATES)
def test_knowing_every_missing_fact_never_makes_an_answer_less_certain(facts: dict[str, object], on: date) -> None:
    """Settled answers stay settled when more facts are given (monotonicity of the three-valued logic)."""
    first = evaluate(CATALOGUE, facts, on)
    completed = dict(facts)
    for fact in CATALOGUE.fact_definitions(first.missing_facts):
        completed.setdefault(fact.name, _any_value(fact))
    second = evaluate(CATALOGUE, completed, on)
    for before, after in zip(first.schemes, second.schemes, strict=True):
        if before.status != "undetermined":
            assert after.status == before.status, before.id
        for key, amount in before.amounts.items():
            if key not in before.undetermined_amounts:
                assert after.amounts[key] == amount, (before.id, key)


def _any_value(fact: FactDefinition) -> object:
    if fact.type == "bool":
        return False
    if fact.type == "enum":
        return fact.values[0]
    return fact.minimum if fact.minimum is not None else 0


JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8), st.lists(st.integers(), max_size=2)
)


@settings(max_examples=300, deadline=None)
@given(facts=st.dictionaries(st.sampled_from([*CATALOGUE.facts, "unknown_fact"]), JUNK, max_size=6), on=DATES)
def test_any_junk_input_gives_an_answer_or_a_fact_error(facts: dict[str, object], on: date) -> None:
    try:
        evaluate(CATALOGUE, facts, on)
    except FactError as error:
        assert str(error).startswith("Faits invalides")
