"""Émargement state in lists of sessions, without one query per session."""

from django import template

from trajectoire.cases.models import Attendance

register = template.Library()


@register.simple_tag
def attendance_recorded(case, session) -> bool:
    """Whether a held session of CASE has its émargement. The sessions shown with a case all belong to it, so the
    ids are read once per case object and kept on it for the rest of the page."""
    ids = getattr(case, "_attendance_session_ids", None)
    if ids is None:
        ids = set(Attendance.objects.filter(session__accompaniment_id=case.pk).values_list("session_id", flat=True))
        case._attendance_session_ids = ids
    return session.pk in ids
