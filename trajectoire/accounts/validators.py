"""Validators for identifiers of French organisations."""

from django.core.exceptions import ValidationError

# La Poste's establishments share one SIREN and follow their own checksum rule (INSEE).
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    compact = value.replace(" ", "")
    if len(compact) != 14 or not compact.isdigit():
        raise ValidationError("Le SIRET doit comporter 14 chiffres (sans lettres).", code="siret_format")
    if compact.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in compact) % 5 != 0:
            raise ValidationError("Ce SIRET de La Poste n'est pas valide : vérifiez les chiffres.", code="siret_key")
        return
    if not luhn_is_valid(compact[:9]) or not luhn_is_valid(compact):
        raise ValidationError(
            "Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez les 14 chiffres.", code="siret_key"
        )
