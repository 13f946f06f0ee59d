"""The French typography layer: pure functions, no database."""

from decimal import Decimal

import pytest

from trajectoire import formatting

NN, NB = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1890, f"1{NN}890,00{NB}€"),
        (Decimal("1600.5"), f"1{NN}600,50{NB}€"),
        (13090, f"13{NN}090,00{NB}€"),
        (0, f"0,00{NB}€"),
        (-290, f"-290,00{NB}€"),
        (1234567.891, f"1{NN}234{NN}567,89{NB}€"),
        (None, ""),
    ],
)
def test_amounts_in_euros(value, expected):
    assert formatting.euros(value) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (1440, f"24{NB}h"),
        (150, f"2{NB}h{NB}30"),
        (65, f"1{NB}h{NB}05"),
        (45, f"45{NB}min"),
        (0, f"0{NB}h"),
        (None, f"0{NB}h"),
    ],
)
def test_durations(minutes, expected):
    assert formatting.duration(minutes) == expected


def test_hours_as_a_decimal_number_of_hours():
    assert formatting.hours(Decimal("24.0")) == f"24{NB}h"
    assert formatting.hours(Decimal("1.5")) == f"1{NB}h{NB}30"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Aïcha", "d’Aïcha"),
        ("Karim", "de Karim"),
        ("Élodie", "d’Élodie"),
        ("Hélène", "d’Hélène"),
        ("Yann", "de Yann"),
        ("Yves", "d’Yves"),
    ],
)
def test_de_is_elided_before_a_vowel_sound(name, expected):
    assert formatting.de(name) == expected


@pytest.mark.parametrize(
    ("count", "expected"), [(0, f"0{NB}compétence"), (1, f"1{NB}compétence"), (2, f"2{NB}compétences")]
)
def test_plurals_follow_french_rules(count, expected):
    assert formatting.plural(count, "compétence") == expected


def test_irregular_plural():
    assert formatting.plural(3, "bilan pédagogique", "bilans pédagogiques") == f"3{NB}bilans pédagogiques"


def test_siret_is_spaced():
    assert formatting.siret("77312345000019") == f"773{NB}123{NB}450{NB}00019"
    assert formatting.siret("abc") == "abc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [('=HYPERLINK("x")', '\'=HYPERLINK("x")'), ("+33 6", "'+33 6"), ("@SUM(A1)", "'@SUM(A1)"), ("Aïcha", "Aïcha")],
)
def test_csv_text_cells_never_start_a_formula(text, expected):
    assert formatting.csv_text(text) == expected
