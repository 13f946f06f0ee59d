import pytest
from django.core.exceptions import ValidationError

from trajectoire.accounts.validators import validate_siret
from trajectoire.cases.validators import normalise_phone


@pytest.mark.parametrize("siret", ["77312345000019", "773 123 450 00019", "35600000000042"])
def test_valid_sirets_are_accepted(siret):
    validate_siret(siret)


@pytest.mark.parametrize(
    ("siret", "code"),
    [
        ("77312345000018", "siret_key"),  # last digit changed
        ("7731234500001", "siret_format"),  # 13 digits
        ("7731234500001A", "siret_format"),
        ("35600000000049", "siret_key"),  # La Poste rule: digit sum must be a multiple of 5
    ],
)
def test_invalid_sirets_are_refused_with_a_french_message(siret, code):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.code == code
    assert "SIRET" in error.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("0033561223344", "05 61 22 33 44"),
        ("02-99-12-34-56", "02 99 12 34 56"),
    ],
)
def test_french_phone_numbers_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["612345678", "06123456789", "0012345678", "+44 20 7946 0958", "06 12 34 AB 78"])
def test_non_french_or_malformed_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError, match="téléphone français"):
        normalise_phone(raw)
