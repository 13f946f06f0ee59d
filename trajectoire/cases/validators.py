import re

from django.core.exceptions import ValidationError

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# A French number: 0 then 9 digits (not 0 after the first 0), or +33 / 0033 then 9 digits;
# overseas departments use the same 10-digit plan, so no special case is needed.
_FRENCH_PHONE = re.compile(r"^(?:0|\+33|0033)[1-9]\d{8}$")


def normalise_phone(value: str) -> str:
    """Canonical display form: 06 12 34 56 78."""
    compact = _PHONE_SEPARATORS.sub("", value)
    if not _FRENCH_PHONE.match(compact):
        raise ValidationError(
            "Saisissez un numéro de téléphone français à 10 chiffres, "
            "par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.",
            code="phone_format",
        )
    national = "0" + compact[-9:]
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))
