"""Hours of a list of cases, counted honestly: « heures réalisées » are held sessions only (their real
duration); « heures prévues à venir » are planned sessions that have not started yet. The services'
`minutes_held` / `minutes_planned` answer the same questions for one case.

Sums are correlated subqueries, not `Sum("sessions__…")` over joins: the visibility filters join the
co-counsellors, and a join would count a session once per co-counsellor."""

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from trajectoire.cases.enums import SessionStatus, State
from trajectoire.cases.models import Accompaniment, Session


def _session_sum(column: str, **conditions) -> Coalesce:
    sessions = (
        Session.objects.filter(accompaniment=OuterRef("pk"), **conditions)
        .order_by()
        .values("accompaniment")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(sessions, output_field=IntegerField()), 0)


def with_hours(cases: QuerySet[Accompaniment], *, now: datetime) -> QuerySet[Accompaniment]:
    """Adds `held_minutes` (held sessions, real duration), `planned_minutes_ahead` (planned sessions starting
    from `now`) and `unrecorded_minutes` (planned sessions whose time has passed but not yet marked)."""
    return cases.annotate(
        held_minutes=_session_sum("held_minutes", status=SessionStatus.HELD),
        planned_minutes_ahead=_session_sum("duration_minutes", status=SessionStatus.PLANNED, starts_at__gte=now),
        unrecorded_minutes=_session_sum("duration_minutes", status=SessionStatus.PLANNED, starts_at__lt=now),
    )


def count_by_state(cases: QuerySet[Accompaniment]) -> list[tuple[str, int, str]]:
    """(label, count, value) for every state, each case counted once, closed and abandoned included.

    The ids are taken first and grouped apart: grouping the visible queryset itself would group by its
    DISTINCT and ordering columns too, and split one state over several rows."""
    ids = cases.order_by().values("pk")
    rows = Accompaniment.objects.filter(pk__in=ids).order_by().values_list("state").annotate(n=Count("pk")).order_by()
    counts = dict(rows)
    return [(label, counts.get(value, 0), value) for value, label in State.choices]


def total_minutes(cases: QuerySet[Accompaniment], *, now: datetime) -> dict[str, int]:
    """The same three sums over a whole list of cases (a centre), each session once."""
    sessions = Session.objects.filter(accompaniment__in=cases.order_by().values("pk")).order_by()
    planned = sessions.filter(status=SessionStatus.PLANNED)
    return {
        "held_minutes": sessions.filter(status=SessionStatus.HELD).aggregate(t=Sum("held_minutes"))["t"] or 0,
        "planned_minutes_ahead": planned.filter(starts_at__gte=now).aggregate(t=Sum("duration_minutes"))["t"] or 0,
        "unrecorded_minutes": planned.filter(starts_at__lt=now).aggregate(t=Sum("duration_minutes"))["t"] or 0,
    }
