from django import template

from trajectoire.cases.services import format_minutes

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """720 → « 12 h », 95 → « 1 h 35 »."""
    return format_minutes(int(minutes or 0))
