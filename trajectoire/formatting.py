"""French typography, one layer for pages, PDFs and CSV exports.

Pure functions (no Django import) so that the engines' outputs, the templates (through the filters of
`trajectoire.web.templatetags.trajectoire`) and the exports all write numbers, amounts, durations, elisions
and plurals the same way:

- thousands are separated by a narrow no-break space (U+202F), decimals by a comma: « 1 890,00 € »;
- a unit is separated from its number by a no-break space (U+00A0): « 24 h », « 2 h 30 »;
- « de » elides before a vowel or a mute h: « d'Aïcha », « de Karim ».
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NNBSP = "\u202f"  # narrow no-break space: thousands separator, before « ; : ! ? » and inside « »
NBSP = "\u00a0"  # no-break space: between a number and its unit

_VOWELS = set("aeiouàâäéèêëîïôöùûüœæ")
# Names that start with an aspirated h take no elision (« de Hugo » but « d'Hélène »): the common French
# first names and surnames with an aspirated h are too few and uncertain to list, so only the mute-h cases
# the French norm agrees on are elided.
_MUTE_H_PREFIXES = ("hél", "hen", "her", "hor", "hon", "hub", "hug", "hyp", "hec", "hip")


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value, decimals: int = 0) -> str:
    """1890.5 → « 1 890,50 » with decimals=2; integers keep no decimals by default."""
    amount = _to_decimal(value)
    if amount is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = NNBSP.join(groups)
    if decimals:
        text += "," + fraction.ljust(decimals, "0")[:decimals]
    return sign + text


def euros(value, decimals: int = 2) -> str:
    """1890 → « 1 890,00 € »; None → ""."""
    text = number(value, decimals)
    return f"{text}{NBSP}€" if text else ""


def duration(minutes) -> str:
    """720 → « 12 h », 150 → « 2 h 30 », 45 → « 45 min », 0 → « 0 h »."""
    try:
        total = max(int(minutes or 0), 0)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 60)
    if hours == 0 and rest:
        return f"{rest}{NBSP}min"
    return f"{hours}{NBSP}h{NBSP}{rest:02d}" if rest else f"{hours}{NBSP}h"


def hours(value) -> str:
    """A number of hours (Decimal 24.0, 1.5) → « 24 h », « 1 h 30 »."""
    amount = _to_decimal(value)
    if amount is None:
        return ""
    return duration(int((amount * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def starts_with_vowel_sound(word: str) -> bool:
    lowered = word.strip().lower()
    if not lowered:
        return False
    if lowered[0] in _VOWELS:
        return True
    # « y » is a vowel before a consonant (d’Yves), a semi-consonant before a vowel (de Yann, de Yasmina).
    if lowered[0] == "y":
        return len(lowered) > 1 and lowered[1] not in _VOWELS
    return lowered.startswith(_MUTE_H_PREFIXES)


def de(word: str) -> str:
    """« de » before a word, elided where French elides: de("Aïcha") → « d'Aïcha », de("Karim") → « de Karim »."""
    word = word.strip()
    return f"d’{word}" if starts_with_vowel_sound(word) else f"de {word}"


def plural(count, singular: str, plural_form: str | None = None) -> str:
    """Count and noun agreed: plural(1, "compétence") → « 1 compétence », plural(3, ...) → « 3 compétences ».
    In French 0 and 1 take the singular (« 0 compétence »)."""
    try:
        n = int(count)
    except (TypeError, ValueError):
        n = 0
    word = singular if abs(n) < 2 else (plural_form or singular + "s")
    return f"{number(n)}{NBSP}{word}"


def siret(value: str) -> str:
    """« 77312345000019 » → « 773 123 450 00019 » (SIREN in three groups, then the NIC)."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if len(digits) != 14:
        return str(value or "")
    return f"{digits[0:3]}{NBSP}{digits[3:6]}{NBSP}{digits[6:9]}{NBSP}{digits[9:]}"


def quote(text: str) -> str:
    """French quotation marks with narrow no-break spaces inside: « texte »."""
    return f"«{NNBSP}{text}{NNBSP}»"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value) -> str:
    """A free-text cell for a CSV export: a leading = + - @ would make a spreadsheet run it as a formula
    (CSV injection, OWASP), so such a text is prefixed with an apostrophe, which spreadsheets hide."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
