"""What people say they want and refuse: reading their words (pure functions) and steering the suggestions."""

import pytest

from trajectoire.matching import Profile, ProfileError
from trajectoire.matching.wishes import read_wishes

NIGHT, WEEKEND, SATURDAY, SUNDAY = "300803", "23376", "23374", "300793"
LOADS, TRAVEL, OUTSIDE, SHIFTS = "300795", "300779", "300783", "126450"


@pytest.mark.parametrize(
    ("words", "refused"),
    [
        ("Plus de nuits.", {NIGHT}),
        ("je ne veux plus travailler de nuit", {NIGHT}),
        ("Je veux plus porter, mon dos ne suit plus", {LOADS}),
        ("Sans déplacements, s'il vous plaît", {TRAVEL}),
        ("pas le week-end", {WEEKEND, SATURDAY, SUNDAY}),
        ("Fini le travail posté en 3x8 !", {SHIFTS}),
        ("pas dehors, j'ai froid tout l'hiver", {OUTSIDE}),
        ("Porter les poubelles par tous les temps, je veux plus.", {LOADS, OUTSIDE}),
        ("Fini l'usine, les 2x8 et la nuit", {SHIFTS, NIGHT}),
        ("aider des personnes âgées, mais jamais le week-end", {WEEKEND, SATURDAY, SUNDAY}),
    ],
)
def test_refusals_are_read_in_the_persons_words(words, refused):
    assert refused <= set(read_wishes(words).refused_contexts)


@pytest.mark.parametrize(
    ("words", "theme"),
    [
        ("J'aime expliquer, transmettre", "transmettre"),
        ("travailler de mes mains", "mains"),
        ("je voudrais être dehors, dans la nature", "nature"),
        ("m'occuper des tout-petits, des enfants", "enfants"),
    ],
)
def test_positive_wishes_name_a_theme_and_refuse_nothing(words, theme):
    reading = read_wishes(words)
    assert theme in {t.key for t in reading.themes}
    assert reading.refused_contexts == {}


def test_dehors_is_liked_or_refused_by_its_clause():
    assert OUTSIDE in read_wishes("Je veux travailler dehors").liked_contexts
    assert OUTSIDE in read_wishes("Je ne veux plus travailler dehors").refused_contexts
    assert OUTSIDE not in read_wishes("Je ne veux plus travailler dehors").liked_contexts


def test_more_of_something_liked_is_not_a_refusal():
    assert read_wishes("Je voudrais davantage de contact avec le public").refused_contexts == {}


def test_a_refusal_keeps_the_words_that_said_it():
    reading = read_wishes("J'aime expliquer ; je ne veux plus travailler de nuit.")
    assert reading.refused_contexts[NIGHT] == "je ne veux plus travailler de nuit"
    assert "nuit" not in reading.positive_text


def test_profile_reads_the_new_fields_and_refuses_bad_ones():
    p = Profile.from_mapping({"wishes": "plus de nuits", "avoid_contexts": [NIGHT], "distance": "Équilibre"})
    assert p.distance == "equilibre" and p.avoid_contexts == (NIGHT,) and p.steers
    for bad in ({"wishes": 3}, {"distance": "loin"}, {"avoid_contexts": NIGHT}, {"wishes": "x" * 6000}):
        with pytest.raises(ProfileError):
            Profile.from_mapping(bad)
    assert not Profile.from_mapping({"current_occupations": ["M1203"]}).steers


COMPTABLE = {"current_occupations": ["M1203"]}
TEACHING = {"K2111", "K2101", "K2139", "K2119", "K2145", "M1505", "K2112"}


def test_a_comptable_who_likes_explaining_gets_teaching_pistes(engine):
    blind = [s.code_rome for s in engine.recommend(COMPTABLE, top=10).suggestions]
    said = {**COMPTABLE, "wishes": "J'aime expliquer, transmettre, accompagner les gens."}
    result = engine.recommend(said, top=10)
    codes = [s.code_rome for s in result.suggestions]
    assert not TEACHING & set(blind)
    assert TEACHING & set(codes)
    formateur = next(s for s in result.suggestions if s.code_rome in TEACHING)
    assert "J'aime expliquer" in formateur.wish_match
    assert {t["theme"] for t in result.understood["themes"]} >= {"transmettre", "accompagner"}


def test_a_refused_context_never_appears_and_is_set_aside_with_its_reason(engine, items_of):
    profile = {"current_occupations": ["J1501"], "wishes": "Plus de nuits, plus de week-ends."}
    result = engine.recommend(profile, top=10)
    for s in result.suggestions:
        assert not {NIGHT, WEEKEND} & set(items_of(s.code_rome)), s.code_rome
    assert result.set_aside and all("Condition refusée" in a["reason"] for a in result.set_aside)
    assert "plus de nuits" in " ".join(a["reason"] for a in result.set_aside).lower()
    assert {c["code"] for c in result.understood["avoid_contexts"]} >= {NIGHT, WEEKEND}
    # The same refusal given as a code, without words.
    coded = engine.recommend({"current_occupations": ["J1501"], "avoid_contexts": [NIGHT]}, top=10)
    assert all(NIGHT not in items_of(s.code_rome) for s in coded.suggestions)
    assert [c["code"] for c in coded.understood["avoid_contexts"]] == [NIGHT]


def test_an_unknown_context_code_is_reported_not_used(engine):
    result = engine.recommend({**COMPTABLE, "avoid_contexts": ["999999"]}, top=3)
    assert result.unknown_codes == ["999999"] and len(result.suggestions) == 3


def test_reconversion_spreads_the_top_ten_over_domains(engine):
    result = engine.recommend({**COMPTABLE, "distance": "reconversion"}, top=10)
    domains = [s.code_rome[:3] for s in result.suggestions]
    assert len(domains) == 10 and max(domains.count(d) for d in domains) <= 3
    plain = [s.code_rome[:3] for s in engine.recommend(COMPTABLE, top=10).suggestions]
    assert max(plain.count(d) for d in plain) > 3  # the cap changed something


def test_liked_contexts_are_shown_on_the_suggestions_that_have_them(engine, items_of):
    result = engine.recommend({"current_occupations": ["N1103"], "wishes": "Je veux travailler dehors."}, top=10)
    with_outside = [s for s in result.suggestions if OUTSIDE in items_of(s.code_rome)]
    assert with_outside and all(s.contexts[0]["code"] == OUTSIDE for s in with_outside)
    assert all(s.labels and set(s.shared_skills + s.missing_skills) == set(s.labels) for s in result.suggestions)


def test_wishes_differing_only_in_gender_give_the_same_suggestions(engine):
    her = engine.recommend({**COMPTABLE, "wishes": "Je suis fatiguée, je voudrais devenir formatrice."}, top=10)
    him = engine.recommend({**COMPTABLE, "wishes": "Je suis fatigué, je voudrais devenir formateur."}, top=10)
    assert [s.code_rome for s in her.suggestions] == [s.code_rome for s in him.suggestions]


def test_without_wishes_the_ranking_is_unchanged(engine, items_of):
    profile = {"skills": items_of("M1203"), "current_occupations": ["M1203"]}
    assert engine.rank(profile, top=10) == engine.rank({**profile, "wishes": "", "distance": "equilibre"}, top=10)
