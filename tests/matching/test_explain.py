import pytest

from trajectoire.matching import both_genders, gender_forms


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Aide-soignant / Aide-soignante", "Aide-soignant / Aide-soignante"),
        (
            "Conducteur / Conductrice d'engins agricoles",
            "Conducteur d'engins agricoles / Conductrice d'engins agricoles",
        ),
        ("Comptable", "Comptable"),
        ("Barman / Barmaid", "Barman / Barmaid"),
    ],
)
def test_labels_are_shown_in_both_genders(label, expected):
    assert both_genders(label) == expected


def test_gender_forms_split_the_shared_complement():
    masc, fem = gender_forms("Accompagnateur formateur / Accompagnatrice formatrice technique en insertion")
    assert masc == "Accompagnateur formateur technique en insertion"
    assert fem == "Accompagnatrice formatrice technique en insertion"


def test_every_occupation_label_has_both_forms_or_is_epicene(engine):
    for code in engine.codes:
        label = engine.occupation_label(code)
        assert label.strip()
        if " / " in engine.labels[code]:
            masc, fem = label.split(" / ", 1)
            assert masc and fem
