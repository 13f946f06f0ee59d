"""A learned ranker is only used on the data it learned from (its fingerprint), so a held-out evaluation run
from the command line on a folder with links removed never sees a model that has seen the answers."""

import dataclasses
import io
import json

import numpy as np
import pytest

from trajectoire.matching import Engine
from trajectoire.matching.cli import main
from trajectoire.matching.loader import default_data_dir
from trajectoire.matching.ranker import DEFAULT_MODEL, Ranker, RankerMismatch, data_fingerprint
from trajectoire.matching.training import write_reduced_folder

HELD_OUT = {"J1501", "M1203", "N1103", "D1102", "K2111"}
PROFILES = [{"current_occupations": ["J1501"]}, {"current_occupations": ["M1203"]}, {"current_occupations": ["D1102"]}]


@pytest.fixture(scope="module")
def reduced_dir(tmp_path_factory):
    return write_reduced_folder(default_data_dir(), tmp_path_factory.mktemp("rome") / "v460", HELD_OUT)


@pytest.fixture(scope="module")
def reduced_engine(reduced_dir):
    notices = []
    engine = Engine.from_dir(reduced_dir, notify=notices.append)
    return engine, notices


def run(argv, stdin):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def stdin():
    return "\n".join(json.dumps(p) for p in PROFILES) + "\n"


def test_the_shipped_model_records_what_it_learned_from(engine):
    ranker = Ranker.load(DEFAULT_MODEL)
    assert ranker.fingerprint == engine.fingerprint
    assert ranker.fingerprint["rome_version"] == "460" and len(ranker.fingerprint["mobility_sha256"]) == 64
    assert engine.ranker is not None and engine.notices == []


def test_the_fingerprint_reads_the_pairs_not_their_order():
    rows = [("A1101", "A1102", 1), ("B1101", "A1101", 2)]
    assert data_fingerprint("460", rows) == data_fingerprint("460", list(reversed(rows)))
    assert data_fingerprint("460", rows) != data_fingerprint("460", rows[:1])
    assert data_fingerprint("460", rows) != data_fingerprint("461", rows)


def test_a_reduced_folder_is_ranked_linearly_and_says_so_once(reduced_engine, engine):
    reduced, notices = reduced_engine
    assert reduced.ranker is None
    assert len(notices) == 1 and "train-ranker --data-dir" in notices[0]
    assert reduced.fingerprint != engine.fingerprint
    # The reduced folder read from disk is exactly the in-process view the benchmark uses.
    view = engine.with_mobility_removed_from(HELD_OUT)
    assert view.fingerprint == reduced.fingerprint
    for profile in PROFILES:
        assert view.rank(profile, top=30) == reduced.rank(profile, top=30)
        assert reduced.recommender.M[reduced.index[profile["current_occupations"][0]]].nnz == 0


@pytest.mark.slow
def test_cli_refuses_the_shipped_model_on_a_reduced_folder(reduced_dir, reduced_engine):
    code, out, err = run(["recommend", "--data-dir", str(reduced_dir), "--profiles", "-", "--top", "5"], stdin())
    assert code == 0, err
    assert err.count("attention : le classement appris livré") == 1
    reduced, _ = reduced_engine
    expected = [[s["code_rome"] for s in reduced.recommend(p, top=5).to_dict()["suggestions"]] for p in PROFILES]
    assert [[s["code_rome"] for s in o["suggestions"]] for o in out] == expected


@pytest.mark.slow
def test_cli_uses_a_model_whose_fingerprint_matches(reduced_dir, reduced_engine, tmp_path):
    reduced, _ = reduced_engine
    shipped = Ranker.load(DEFAULT_MODEL)
    # The shipped trees relabelled as if trained on the reduced folder (training takes a minute; the
    # fingerprint check is what is tested here).
    relabelled = dataclasses.replace(shipped, meta={**shipped.meta, "fingerprint": reduced.fingerprint})
    good = tmp_path / "reduced.npz"
    relabelled.save(good)
    argv = ["recommend", "--data-dir", str(reduced_dir), "--profiles", "-", "--top", "5"]
    code, out, err = run([*argv, "--ranker", str(good)], stdin())
    assert code == 0 and "attention" not in err
    learned = Engine.__new__(Engine)
    learned.__dict__.update(reduced.__dict__, ranker=relabelled)
    assert [o["suggestions"][0]["score"] for o in out] == [
        learned.recommend(p, top=5).suggestions[0].score for p in PROFILES
    ]
    # The shipped model names other data: asked for explicitly, it is refused with a clear message.
    code, out, err = run([*argv, "--ranker", str(DEFAULT_MODEL)], stdin())
    assert code == 2 and out == [] and "empreinte différente" in err and "Traceback" not in err
    code, _, err = run([*argv, "--ranker", str(tmp_path / "absent.npz")], stdin())
    assert code == 2 and "illisible" in err


@pytest.mark.slow
def test_ranker_none_forces_the_linear_stage(engine):
    code, out, err = run(["recommend", "--profiles", "-", "--top", "5", "--ranker", "none"], stdin())
    assert code == 0 and "attention" not in err
    linear = Engine.__new__(Engine)
    linear.__dict__.update(engine.__dict__, ranker=None)
    for o, p in zip(out, PROFILES, strict=True):
        assert o["suggestions"] == linear.recommend(p, top=5).to_dict()["suggestions"]
    learned = [engine.recommend(p, top=5).to_dict()["suggestions"] for p in PROFILES]
    assert [o["suggestions"] for o in out] != learned


@pytest.mark.slow
def test_engine_from_dir_refuses_a_model_file_of_other_data(reduced_dir):
    with pytest.raises(RankerMismatch, match="empreinte"):
        Engine.from_dir(reduced_dir, ranker=DEFAULT_MODEL)


def test_features_are_rounded_to_float32_for_every_machine(engine, items_of):
    items = np.array(sorted(engine.item_index[c] for c in items_of("M1203")))
    cand = engine.candidates(items, np.array([engine.index["M1203"]]), banned={engine.index["M1203"]})
    assert np.array_equal(cand.features, cand.features.astype(np.float32).astype(np.float64))
