"""Template filters of the French typography layer (trajectoire/formatting.py): pages, PDFs and CSV share it."""

from datetime import datetime

from django import template

from trajectoire import formatting
from trajectoire.cases.attendance import french_date, french_day, french_time

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """A number of minutes: 720 → « 12 h », 95 → « 1 h 35 »."""
    return formatting.duration(minutes)


@register.filter
def duration(minutes) -> str:
    """Same as `hours`: minutes as « 2 h 30 »."""
    return formatting.duration(minutes)


@register.filter
def hours_value(value) -> str:
    """A number of hours (Decimal 24.0) → « 24 h »."""
    return formatting.hours(value)


@register.filter
def euros(value) -> str:
    """1890 → « 1 890,00 € »."""
    return formatting.euros(value)


@register.filter
def euros_round(value) -> str:
    """13090 → « 13 090 € » (no cents, for totals)."""
    return formatting.euros(value, 0)


@register.filter
def number(value, decimals=0) -> str:
    return formatting.number(value, int(decimals))


@register.filter
def de_name(value) -> str:
    """« de » elided before the name: « d’Aïcha », « de Karim »."""
    return formatting.de(str(value))


@register.filter
def plural(count, forms: str) -> str:
    """{{ n|plural:"compétence,compétences" }} → « 3 compétences », « 1 compétence »."""
    singular, _, plural_form = forms.partition(",")
    return formatting.plural(count, singular, plural_form or None)


@register.filter
def siret(value) -> str:
    return formatting.siret(value)


@register.filter
def clock(value) -> str:
    """A moment's time of day in Paris, as the agenda and the attendance sheet write it: « 9 h 30 », « 14 h »."""
    if not value:
        return ""
    return french_time(value)


@register.filter
def long_date(value) -> str:
    """A day, or a moment's day in Paris, written out: « 1er décembre 2026 », « 20 novembre 2026 »."""
    if not value:
        return ""
    return french_date(value) if isinstance(value, datetime) else french_day(value)
