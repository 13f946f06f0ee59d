import pytest

from trajectoire.matching import Profile, ProfileError


def test_a_current_occupation_is_never_suggested(engine, items_of):
    for code in ["J1501", "N1101", "M1203"]:
        result = engine.recommend({"skills": items_of(code), "current_occupations": [code]}, top=20)
        assert code not in [s.code_rome for s in result.suggestions]
        assert len(result.suggestions) == 20


def test_exclusions_are_respected(engine, items_of):
    first = engine.recommend({"skills": items_of("J1501"), "current_occupations": ["J1501"]}, top=3)
    banned = first.suggestions[0].code_rome
    second = engine.recommend(
        {"skills": items_of("J1501"), "current_occupations": ["J1501"], "exclude": [banned]}, top=3
    )
    assert banned not in [s.code_rome for s in second.suggestions]


def test_expert_mobility_is_flagged_and_explained(engine, items_of):
    result = engine.recommend({"skills": items_of("J1501"), "current_occupations": ["J1501"]}, top=10)
    expert = {dst for src, dst, _ in engine.data.mobility if src == "J1501"}
    flagged = [s for s in result.suggestions if s.mobility]
    assert flagged
    for s in result.suggestions:
        assert s.mobility == (s.code_rome in expert)
    assert "mobilité reconnue" in flagged[0].explanation
    assert "Aide-soignant / Aide-soignante" in flagged[0].explanation


def test_shared_and_missing_skills_put_core_items_first(engine, items_of):
    result = engine.recommend({"skills": items_of("J1501")[:30], "current_occupations": ["J1501"]}, top=5)
    for s in result.suggestions:
        i = engine.index[s.code_rome]
        core = {engine.item_codes[j] for j in engine.core[i].indices}
        flags = [c in core for c in s.missing_skills]
        assert flags == sorted(flags, reverse=True)  # all core items before the others
        target = {engine.item_codes[j] for j in engine.coherence[i].indices}
        assert set(s.shared_skills) <= target
        assert not set(s.shared_skills) & set(s.missing_skills)


def test_explanation_is_one_french_sentence(engine, items_of):
    result = engine.recommend({"skills": items_of("D1505")}, top=3)
    for s in result.suggestions:
        assert s.explanation.endswith(".")
        assert s.explanation.count(". ") == 0
        assert "compétences" in s.explanation or "proche" in s.explanation


def test_mixed_profiles_get_suggestions_near_both_occupations(engine, items_of):
    skills = items_of("D1505")[:25] + items_of("N1103")[:25]
    result = engine.recommend({"skills": skills, "current_occupations": ["D1505", "N1103"]}, top=15)
    domains = {s.code_rome[0] for s in result.suggestions}
    assert {"D", "N"} <= domains


def test_riasec_fit_is_reported_and_nudges_the_ranking(engine, items_of):
    profile = {"skills": items_of("K1207"), "current_occupations": ["K1207"]}
    plain = engine.recommend(profile, top=10)
    assert all(s.riasec_fit is None for s in plain.suggestions)
    social = engine.recommend({**profile, "riasec": "sa"}, top=10)
    assert all(0 <= s.riasec_fit <= 1 for s in social.suggestions)


def test_unknown_codes_are_reported_and_ignored(engine, items_of):
    result = engine.recommend({"skills": items_of("M1203") + ["nope"], "current_occupations": ["Z9999"]}, top=5)
    assert result.unknown_codes == ["nope", "Z9999"]
    assert result.suggestions
    assert engine.recommend({"skills": ["nope"]}, top=5).suggestions == []


def test_empty_profile_gives_no_suggestion(engine):
    assert engine.recommend({}, top=10).to_dict() == {
        "suggestions": [],
        "understood": {"occupations": [], "skills": [], "avoid_contexts": []},
        "set_aside": [],
    }
    assert engine.recommend({"skills": [], "current_occupations": []}).suggestions == []


@pytest.mark.parametrize(
    "bad",
    [
        {"skills": "12345"},
        {"skills": [["nested"]]},
        {"skills": [None]},
        {"riasec": "XYZ"},
        {"riasec": 3},
        {"current_occupations": {"J1501": 1}},
        ["not", "a", "dict"],
    ],
)
def test_malformed_profiles_are_refused_with_a_clear_message(engine, bad):
    with pytest.raises(ProfileError):
        engine.recommend(bad)


def test_fairness_the_engine_refuses_personal_attributes(engine, items_of):
    skills = items_of("J1501")
    for key, value in [("gender", "F"), ("age", 52), ("origin", "Maroc"), ("nationality", "FR"), ("name", "X")]:
        with pytest.raises(ProfileError, match=key):
            engine.recommend({"skills": skills, key: value})


def test_fairness_same_skills_same_suggestions_whatever_else_the_record_says(engine, items_of):
    skills = items_of("J1501")
    reference = engine.recommend({"skills": skills, "current_occupations": ["J1501"]}, top=10).to_dict()
    records = [
        {"gender": "F", "age": 58, "origin": "Sénégal", "disability": True},
        {"gender": "M", "age": 22, "origin": "France", "first_name": "Kevin"},
        {"gender": "X", "age": 40, "postcode": "93200", "children": 3},
    ]
    for extra in records:
        record = {"skills": list(reversed(skills)) + skills[:5], "current_occupations": ["J1501"], **extra}
        profile = Profile.from_mapping(record, strict=False)
        assert engine.recommend(profile, top=10).to_dict() == reference


def test_profile_fields_cannot_carry_personal_attributes():
    # The person's own words about what they want are theirs to give; gender, age or origin never are.
    assert set(Profile.__dataclass_fields__) == {
        "skills",
        "current_occupations",
        "riasec",
        "exclude",
        "wishes",
        "avoid_contexts",
        "distance",
    }


def test_recommend_to_dict_is_the_command_line_json(engine, items_of):
    data = engine.recommend({"skills": items_of("F1703"), "current_occupations": ["F1703"]}, top=1).to_dict()
    assert set(data) == {"suggestions", "understood", "set_aside"}  # fields are added, never removed
    assert set(data["suggestions"][0]) == {
        "wish_match",
        "contexts",
        "labels",
        "code_rome",
        "label",
        "score",
        "shared_skills",
        "missing_skills",
        "mobility",
        "riasec_fit",
        "explanation",
    }


def test_cross_validation_view_hides_the_links_of_its_sources(engine):
    view = engine.without_mobility_from({"J1501"})
    assert view.recommender.M[view.index["J1501"]].nnz == 0
    assert engine.recommender.M[engine.index["J1501"]].nnz > 0
    result = view.recommend({"current_occupations": ["J1501"]}, top=10)
    assert not any(s.mobility for s in result.suggestions)
