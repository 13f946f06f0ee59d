import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trajectoire.matching import ProfileError

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(text=st.text(max_size=2000))
def test_any_unicode_text_gives_a_well_formed_result(engine, text):
    data = engine.extract(text, top=5).to_dict()
    json.dumps(data)
    assert len(data["occupations"]) <= 5
    for skill in data["skills"]:
        assert skill["evidence"]


@FAST
@given(words=st.lists(st.sampled_from(["aide", "soignante", "CACES", "vendeuse", "é", "’", "-", "DEAS", "x"])))
def test_word_salads_never_crash(engine, words):
    engine.extract(" ".join(words), top=3)


def test_huge_text_is_handled_quickly(engine):
    import time

    text = "J'ai été cariste et préparateur de commandes avec le CACES. " * 20_000
    start = time.perf_counter()
    result = engine.extract(text, top=5)
    assert time.perf_counter() - start < 2
    assert result.occupations


codes = st.one_of(st.text(max_size=12), st.sampled_from(["J1501", "N1101", "100023", "124338", "", " "]))


@FAST
@given(
    profile=st.fixed_dictionaries(
        {},
        optional={
            "skills": st.lists(codes, max_size=30),
            "current_occupations": st.lists(codes, max_size=3),
            "exclude": st.lists(codes, max_size=3),
            "riasec": st.sampled_from(["", "S", "RIA", "sa", "CE"]),
        },
    ),
    top=st.integers(min_value=-5, max_value=300),
)
def test_any_profile_gives_suggestions_or_an_empty_list(engine, profile, top):
    result = engine.recommend(profile, top=top)
    data = result.to_dict()
    json.dumps(data)
    suggested = [s["code_rome"] for s in data["suggestions"]]
    assert len(suggested) == len(set(suggested)) <= max(0, min(top, 200))
    assert not set(suggested) & set(profile.get("current_occupations", []))


@FAST
@given(
    value=st.one_of(
        st.integers(), st.text(), st.none(), st.lists(st.integers()), st.dictionaries(st.text(), st.text())
    )
)
def test_wrong_types_give_profile_errors_not_crashes(engine, value):
    for key in ("skills", "current_occupations", "exclude", "riasec"):
        try:
            engine.recommend({key: value}, top=3)
        except ProfileError:
            pass


def test_results_are_deterministic(engine, items_of):
    text = "Serveuse puis barmaid, service en salle, cocktails, encaissement, mise en place."
    assert engine.extract(text, top=5) == engine.extract(text, top=5)
    profile = {"skills": items_of("G1803"), "current_occupations": ["G1803"], "riasec": "SE"}
    first = engine.recommend(profile, top=15).to_dict()
    for _ in range(3):
        assert engine.recommend(profile, top=15).to_dict() == first
    shuffled = {**profile, "skills": sorted(profile["skills"], reverse=True)}
    assert engine.recommend(shuffled, top=15).to_dict() == first
