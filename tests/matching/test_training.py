import numpy as np
import pytest

from trajectoire.matching import training
from trajectoire.matching.ranker import FEATURES


def test_fold_split_is_a_fixed_partition():
    sources = [f"A{i:04d}" for i in range(23)]
    folds = training.fold_split(sources, folds=5, seed=42)
    assert sorted(c for f in folds for c in f) == sources
    assert [len(f) for f in folds] == [5, 5, 5, 4, 4]
    assert folds == training.fold_split(reversed(sources), folds=5, seed=42)
    assert folds != training.fold_split(sources, folds=5, seed=7)


def test_queries_are_computed_without_their_own_links(engine):
    targets = training.mobility_targets(engine)
    fold = {"J1501", "N1103", "M1203", "G1602", "F1703", "K2111"}
    view = engine.without_mobility_from(fold)
    queries = training.queries_for_fold(view, fold, targets)
    assert [(q.source, q.variant) for q in queries][:2] == [("F1703", "current"), ("F1703", "skills")]
    for q in queries:
        assert q.features.shape == (len(q.candidates), len(FEATURES))
        found = {view.codes[i] for i in q.candidates[q.labels]}
        assert found <= targets[q.source]
        assert view.index[q.source] not in q.candidates
    with pytest.raises(ValueError, match="sees the links"):
        training.queries_for_fold(engine.without_mobility_from(set()), {"J1501"}, targets)


@pytest.mark.slow
def test_a_small_training_gives_a_working_ranker(engine):
    targets = training.mobility_targets(engine)
    fold = set(sorted(targets)[::40])
    queries = training.queries_for_fold(engine.without_mobility_from(fold), fold, targets)
    ranker = training.train(queries, {"note": "test"})
    assert ranker.meta["features"] == list(FEATURES) and ranker.meta["note"] == "test"
    q = next(q for q in queries if q.variant == "current")
    p = ranker.probability(q.features, has_current=True)
    assert p.shape == (len(q.candidates),) and np.all((p > 0) & (p < 1))
    # The trees learned something: the expert targets score above the other candidates on average.
    both = [(ranker.probability(q.features, q.variant == "current"), q.labels) for q in queries]
    assert np.mean([p[y].mean() - p[~y].mean() for p, y in both if y.any()]) > 0
