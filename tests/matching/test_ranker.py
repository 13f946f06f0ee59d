import json

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from trajectoire.matching import Engine
from trajectoire.matching.ranker import DEFAULT_MODEL, FEATURES, Ranker, export_sklearn


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.random((4000, len(FEATURES)))
    y = (X[:, 0] + X[:, 3] * X[:, 5] + rng.normal(0, 0.3, len(X)) > 1).astype(int)
    return HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, random_state=0).fit(X, y)


def test_exported_trees_give_scikit_learns_numbers(fitted):
    trees = export_sklearn(fitted, {})
    X = np.random.default_rng(1).random((300, len(FEATURES)))
    np.testing.assert_allclose(trees.raw(X), fitted.decision_function(X), rtol=0, atol=1e-9)
    X[::7, 2] = np.nan  # missing values follow the direction scikit-learn learned
    np.testing.assert_allclose(trees.raw(X), fitted.decision_function(X), rtol=0, atol=1e-9)
    np.testing.assert_allclose(trees.probability(X), fitted.predict_proba(X)[:, 1], rtol=0, atol=1e-9)


def test_a_saved_ranker_loads_back_identical(fitted, tmp_path):
    trees = export_sklearn(fitted, {})
    ranker = Ranker(trees, trees, {"features": list(FEATURES), "note": "essai"})
    ranker.save(tmp_path / "r.npz")
    loaded = Ranker.load(tmp_path / "r.npz")
    X = np.random.default_rng(2).random((50, len(FEATURES)))
    assert loaded.meta["note"] == "essai"
    np.testing.assert_array_equal(loaded.probability(X, True), ranker.probability(X, True))


def test_a_model_trained_on_other_features_is_refused(fitted, tmp_path):
    trees = export_sklearn(fitted, {})
    Ranker(trees, trees, {"features": ["content", "text"]}).save(tmp_path / "old.npz")
    with pytest.raises(ValueError, match="other features"):
        Ranker.load(tmp_path / "old.npz")


def test_the_shipped_ranker_matches_the_features_and_the_referential():
    ranker = Ranker.load(DEFAULT_MODEL)
    assert ranker.meta["features"] == list(FEATURES)
    assert ranker.meta["rome_version"] == "460"
    assert ranker.with_current.roots.size > 50 and ranker.skills_only.roots.size > 20
    json.dumps(ranker.meta)  # plain data, no pickle


def test_the_engine_ranks_with_the_shipped_ranker_and_views_do_not(engine):
    assert engine.ranker is not None
    # The shipped ranker has seen every link: a cross-validation view must not use it.
    assert engine.without_mobility_from({"J1501"}).ranker is None
    assert Engine(engine.data, exclude_mobility_sources={"J1501"}).ranker is None


def test_expert_links_of_the_current_occupation_come_first(engine, items_of):
    result = engine.recommend({"skills": items_of("N1103"), "current_occupations": ["N1103"]}, top=20)
    flags = [s.mobility for s in result.suggestions]
    expert = {dst for src, dst, _ in engine.data.mobility if src == "N1103"}
    assert flags == sorted(flags, reverse=True)
    assert sum(flags) == min(len(expert), 20)


def test_candidates_keep_the_expert_links_even_outside_the_linear_top(engine, items_of):
    i = engine.index["J1501"]
    cand = engine.candidates(engine.coherence[i].indices, np.array([i]), banned={i}, k=3)
    expert = {engine.index[d] for s, d, _ in engine.data.mobility if s == "J1501"}
    assert expert <= set(cand.indices.tolist())
    assert cand.features.shape == (len(cand.indices), len(FEATURES))
    assert np.isfinite(cand.features).all()


def test_linear_and_learned_rankings_agree_on_the_obvious(engine, items_of):
    profile = {"skills": items_of("J1501"), "current_occupations": ["J1501"]}
    linear = Engine.__new__(Engine)
    linear.__dict__.update(engine.__dict__)
    linear.ranker = None
    learned_top = {s.code_rome for s in engine.recommend(profile, top=10).suggestions}
    linear_top = {s.code_rome for s in linear.recommend(profile, top=10).suggestions}
    assert len(learned_top & linear_top) >= 6
    assert "J1506" in learned_top  # nurse, from care assistant


def test_skills_alone_use_the_skills_model_and_still_find_neighbours(engine, items_of):
    result = engine.recommend({"skills": items_of("G1602"), "exclude": ["G1602"]}, top=10)
    assert len(result.suggestions) == 10
    assert all(0 <= s.score <= 1 for s in result.suggestions)
    assert {s.code_rome[0] for s in result.suggestions} & {"G"}


def test_a_long_list_starts_like_a_short_one_and_ends_in_linear_order(engine, items_of):
    profile = {"skills": items_of("M1203"), "current_occupations": ["M1203"]}
    short = engine.rank(profile, top=10)
    long = engine.rank(profile, top=200)
    assert len(long) == 200
    assert long[:10] == short
    tail = [score for _, score in long[150:]]
    assert tail and all(score == 0.0 for score in tail)  # beyond the candidates: not ranked by the trees
    assert all(score > 0 for _, score in long[:140])


def test_riasec_vectors_count_only_the_letters_given():
    from trajectoire.matching.engine import _riasec_vectors

    vectors = _riasec_vectors([("S", ""), ("R", "C"), ("", "")])
    np.testing.assert_allclose(vectors[0], [0, 0, 0, 1, 0, 0])
    np.testing.assert_allclose(vectors[1], np.array([2, 0, 0, 0, 0, 1]) / np.sqrt(5))
    np.testing.assert_allclose(vectors[2], np.zeros(6))
