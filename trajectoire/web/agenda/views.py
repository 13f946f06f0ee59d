"""The agenda: week, day and list views of sessions, planning from a free slot, the counsellor's ICS feed, and
the person's cancellation through a signed link.

Scope: a counsellor sees the sessions of the cases they follow (referent or co-counsellor) in the current centre;
a manager may choose one counsellor of the centre or « toute l'équipe ». What is shown is counted in the audit
log (audited_list). Writes are service calls (trajectoire/cases/agenda.py, trajectoire/cases/notifications.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from trajectoire import formatting
from trajectoire.accounts.audit import audited_list
from trajectoire.accounts.enums import CENTRE_WIDE_WRITE_ROLES
from trajectoire.accounts.models import CalendarFeed, User
from trajectoire.cases.agenda import (
    CancelLinkProblem,
    calendar_feed_create,
    calendar_feed_revoke,
    feed_for_token,
    feed_read,
    session_for_cancel_token,
)
from trajectoire.cases.attendance import french_day, french_time
from trajectoire.cases.enums import PHASE_STATES, SessionStatus
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.models import Accompaniment, Session
from trajectoire.cases.notifications import session_cancel_by_person, when
from trajectoire.web.agenda import grid
from trajectoire.web.agenda.forms import PersonCancelForm
from trajectoire.web.decorators import centre_member_required

VIEWS = {"semaine", "jour", "liste"}
TEAM = "equipe"
STATUS_LABELS = {
    SessionStatus.PLANNED: "prévu",
    SessionStatus.HELD: "réalisé",
    SessionStatus.CANCELLED: "annulé",
    SessionStatus.MISSED: "absence",
}


# --- Who is shown -----------------------------------------------------------------------------------------


@dataclass
class Scope:
    """Whose sessions the page shows: `who` is one counsellor, or None for the whole team (managers only)."""

    who: User | None
    is_manager: bool
    team: list[User]
    param: str  # the `conseiller` query value that keeps this scope in links ("" for oneself)

    @property
    def label(self) -> str:
        return "toute l'équipe" if self.who is None else self.who.get_full_name()


def _scope(request) -> Scope:
    user = request.user
    is_manager = request.membership.role in CENTRE_WIDE_WRITE_ROLES
    if not is_manager:
        return Scope(who=user, is_manager=False, team=[], param="")
    team = list(
        User.objects.filter(memberships__centre=request.membership.centre, memberships__is_active=True, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )
    choice = request.GET.get("conseiller", "")
    if choice == TEAM:
        return Scope(who=None, is_manager=True, team=team, param=TEAM)
    if choice and choice != str(user.pk):
        chosen = next((member for member in team if str(member.pk) == choice), None)
        if chosen is not None:
            return Scope(who=chosen, is_manager=True, team=team, param=choice)
        messages.warning(request, "Ce conseiller ne travaille pas dans ce centre : voici votre propre agenda.")
    return Scope(who=user, is_manager=True, team=team, param="")


def _sessions_in_scope(request, scope: Scope) -> QuerySet[Session]:
    sessions = Session.objects.visible_to(request.user).filter(accompaniment__centre=request.membership.centre)
    if scope.who is not None:
        sessions = sessions.filter(accompaniment__in=Accompaniment.objects.followed_by(scope.who))
    return sessions


def _cases_in_scope(request, scope: Scope) -> QuerySet[Accompaniment]:
    """Open cases in a phase that allows sessions (not a mere request), that the agenda may plan for."""
    cases = Accompaniment.objects.visible_to(request.user).filter(
        centre=request.membership.centre, state__in=[s.value for s in PHASE_STATES]
    )
    if scope.who is not None:
        cases = cases.filter(pk__in=Accompaniment.objects.followed_by(scope.who).values("pk"))
    return cases


# --- The agenda -------------------------------------------------------------------------------------------


def _anchor(request, today: date) -> date:
    """The day the page is about: `du=2026-03-10`, `semaine=2026-W11` (or a date, as older links have it)."""
    raw_day = request.GET.get("du", "")
    raw_week = request.GET.get("semaine", "")
    if raw_day:
        try:
            return date.fromisoformat(raw_day)
        except ValueError:
            messages.warning(
                request, f"La date « {raw_day} » n'est pas reconnue (forme attendue : 2026-03-10) : voici aujourd'hui."
            )
            return today
    if raw_week:
        monday = grid.parse_week(raw_week)
        if monday is None:
            try:
                monday = date.fromisoformat(raw_week)
            except ValueError:
                messages.warning(
                    request,
                    f"La semaine « {raw_week} » n'est pas reconnue (forme attendue : 2026-W11) : voici la semaine en "
                    "cours.",
                )
                return today
        return monday
    return today


def _link(view: str, scope: Scope, **params) -> str:
    query = {"vue": view} if view != "semaine" else {}
    query.update({k: v for k, v in params.items() if v})
    if scope.param:
        query["conseiller"] = scope.param
    return reverse("web:calendar") + ("?" + urlencode(query) if query else "")


def _decorate(session: Session, scope: Scope) -> Session:
    start = timezone.localtime(session.starts_at)
    session.local_start = start
    session.time_range = f"{french_time(session.starts_at)} – {french_time(session.ends_at)}"
    session.status_label = STATUS_LABELS.get(session.status, session.get_status_display())
    session.show_counsellor = scope.who is None
    return session


@centre_member_required
def agenda(request):
    now = timezone.now()
    today = timezone.localdate(now)
    view = request.GET.get("vue", "semaine")
    if view not in VIEWS:
        messages.warning(request, f"La vue « {view} » n'existe pas : semaine, jour ou liste. Voici la semaine.")
        view = "semaine"
    scope = _scope(request)
    anchor = _anchor(request, today)
    if view == "jour":
        first, count = anchor, 1
    else:
        first, count = grid.monday_of(anchor), 7
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(first + timedelta(days=count), time.min, zone)
    sessions = (
        _sessions_in_scope(request, scope)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("accompaniment__beneficiary", "accompaniment__counsellor")
        .order_by("starts_at", "pk")
    )
    sessions = [_decorate(s, scope) for s in audited_list(request, sessions)]
    by_day: dict[date, list[Session]] = {}
    for session in sessions:
        by_day.setdefault(session.local_start.date(), []).append(session)

    if view == "jour":
        days = [anchor]
    else:
        # Monday to Saturday; Sunday only when a session falls on it.
        days = [first + timedelta(days=i) for i in range(6)]
        if by_day.get(first + timedelta(days=6)):
            days.append(first + timedelta(days=6))
    columns = [_column(day, by_day.get(day, []), scope=scope, now=now, today=today) for day in days]
    list_days = [
        {"date": day, "name": grid.DAY_NAMES[day.weekday()], "label": french_day(day), "sessions": by_day[day]}
        for day in sorted(by_day)
    ]

    # Cancelled and missed sessions take no time; a held one takes its real duration.
    total = sum(
        s.held_minutes if s.status == SessionStatus.HELD else s.duration_minutes
        for s in sessions
        if s.status in (SessionStatus.HELD, SessionStatus.PLANNED)
    )
    step = timedelta(days=1 if view == "jour" else 7)
    if view == "jour":
        nav = {
            "previous": _link(view, scope, du=(anchor - step).isoformat()),
            "next": _link(view, scope, du=(anchor + step).isoformat()),
            "current": _link(view, scope),
            "previous_label": "Jour précédent",
            "next_label": "Jour suivant",
            "current_label": "Aujourd'hui",
        }
        title = f"{grid.DAY_NAMES[anchor.weekday()].capitalize()} {french_day(anchor)}"
    else:
        nav = {
            "previous": _link(view, scope, semaine=grid.iso_week(first - step)),
            "next": _link(view, scope, semaine=grid.iso_week(first + step)),
            "current": _link(view, scope),
            "previous_label": "Semaine précédente",
            "next_label": "Semaine suivante",
            "current_label": "Cette semaine",
        }
        title = f"Semaine du {french_day(first)}"
    switch_params = {"du": anchor.isoformat()} if anchor != today else {}
    return render(
        request,
        "agenda/agenda.html",
        {
            "view": view,
            "title": title,
            "columns": columns,
            "row_numbers": range(1, grid.ROWS + 1),
            "hour_rows": [(row, f"{grid.FIRST_HOUR + (row - 1) // 2}{formatting.NBSP}h") for row in range(1, 25, 2)],
            "list_days": list_days,
            "sessions": sessions,
            "nav": nav,
            "views": [
                {"key": key, "label": label, "url": _link(key, scope, **switch_params), "current": key == view}
                for key, label in (("semaine", "Semaine"), ("jour", "Jour"), ("liste", "Liste"))
            ],
            "scope": scope,
            "team_value": TEAM,
            "total_hours": formatting.duration(total),
            "today": today,
        },
    )


def _column(day: date, sessions: list[Session], *, scope: Scope, now: datetime, today: date) -> dict:
    col = grid.column(day, [(s, s.local_start, (s.held_minutes or s.duration_minutes)) for s in sessions])
    zone = timezone.get_current_timezone()
    plan = reverse("web:agenda_plan")
    free = []
    for row in col.free_rows:
        at = datetime.combine(day, grid.slot_time(day, row), zone)
        if at < now:
            continue  # a slot in the past is not offered for planning (record a past session from its case)
        query = {"debut": f"{at:%Y-%m-%dT%H:%M}"}
        if scope.param:
            query["conseiller"] = scope.param
        free.append(
            {
                "row": row,
                "url": f"{plan}?{urlencode(query)}",
                "label": f"Planifier un entretien le {col.name} {french_day(day)} à {french_time(at)}",
            }
        )
    return {
        "date": day,
        "name": col.name,
        "is_today": day == today,
        "placed": col.placed,
        "lanes": col.lanes,
        "free": free,
    }


# --- Planning from a free slot -----------------------------------------------------------------------------


def _parse_start(raw: str) -> datetime | None:
    try:
        value = datetime.strptime(raw, "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return timezone.make_aware(value)


@centre_member_required
def agenda_plan(request):
    """Step between a free slot and the session form: choose the case. The form itself is the case's own
    (web:session_create), opened with the slot's time and sent back to the agenda once saved."""
    raw = request.GET.get("debut", "")
    start = _parse_start(raw) if raw else None
    if raw and start is None:
        messages.warning(
            request, f"L'horaire « {raw} » n'est pas reconnu : choisissez un créneau libre dans l'agenda."
        )
    scope = _scope(request)
    cases = audited_list(
        request,
        _cases_in_scope(request, scope)
        .select_related("beneficiary", "counsellor")
        .order_by("beneficiary__last_name", "beneficiary__first_name", "pk"),
    )
    query = {"depuis": "agenda"}
    if start is not None:
        query["debut"] = f"{timezone.localtime(start):%Y-%m-%dT%H:%M}"
    choices = [
        {"case": case, "url": reverse("web:session_create", args=[case.pk]) + "?" + urlencode(query)} for case in cases
    ]
    back = _link("semaine", scope, du=timezone.localdate(start).isoformat() if start else "")
    return render(
        request,
        "agenda/plan.html",
        {
            "start": start,
            "when": f"{grid.DAY_NAMES[start.weekday()]} {french_day(timezone.localdate(start))} à {french_time(start)}"
            if start
            else "",
            "choices": choices,
            "scope": scope,
            "back": back,
        },
    )


# --- The counsellor's ICS feed ------------------------------------------------------------------------------


def _feeds_page(request, *, new_url: str = ""):
    feeds = CalendarFeed.objects.filter(user=request.user).order_by("-created_at")[:10]
    return render(request, "agenda/feeds.html", {"feeds": feeds, "new_url": new_url})


@centre_member_required
@require_http_methods(["GET", "POST"])
def agenda_feeds(request):
    """« Mon agenda dans mon calendrier ». POST creates a new secret address, shown on this one answer only:
    the page is not redirected, so the token is neither stored nor put in a message."""
    if request.method == "GET":
        return _feeds_page(request)
    _, token = calendar_feed_create(user=request.user, now=timezone.now())
    url = request.build_absolute_uri(reverse("web:agenda_ics", args=[token]))
    response = _feeds_page(request, new_url=url)
    response["Cache-Control"] = "no-store"
    return response


@centre_member_required
@require_POST
def agenda_feed_revoke(request, feed_pk: int):
    feed = get_object_or_404(CalendarFeed, pk=feed_pk, user=request.user)
    calendar_feed_revoke(user=request.user, feed=feed, now=timezone.now())
    messages.success(request, "L'adresse est révoquée : les calendriers qui l'utilisaient ne reçoivent plus rien.")
    return redirect("web:agenda_feeds")


def agenda_ics(request, token: str):
    """The feed itself: no login (a calendar application cannot log in), a secret address instead. A revoked or
    unknown token is a plain 404. This GET writes « dernière lecture » and the audit log's EXPORT rows: the only
    GET of the application that writes more than a read row, and no page links to it."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    feed = feed_for_token(token)
    if feed is None:
        raise Http404("Flux d'agenda introuvable.")
    body = feed_read(feed, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Disposition"] = 'inline; filename="trajectoire.ics"'
    return response


# --- The person cancels through their link ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def session_person_cancel(request, signed: str):
    """The signed link of the invitation: shows the appointment (date, time, counsellor, nothing else) and asks
    for a reason. Expired, modified and already used links get a page that says so; nothing changes."""
    now = timezone.now()
    try:
        session = session_for_cancel_token(signed, now=now)
    except CancelLinkProblem as problem:
        status = {"tampered": 400, "expired": 410, "cancelled": 200}[problem.kind]
        return render(request, "agenda/person_cancel.html", {"problem": problem.message}, status=status)
    form = PersonCancelForm(request.POST or None)
    context = {
        "when": when(session),
        "duration": formatting.duration(session.duration_minutes),
        "counsellor": session.accompaniment.counsellor.get_full_name(),
        "centre": session.accompaniment.centre.name,
        "form": form,
    }
    if request.method == "POST" and form.is_valid():
        try:
            session_cancel_by_person(session=session, reason=form.cleaned_data["reason"], now=now)
        except CaseRuleError as error:
            return render(request, "agenda/person_cancel.html", {"problem": error.message}, status=409)
        return render(request, "agenda/person_cancel.html", {**context, "done": True, "form": None})
    return render(request, "agenda/person_cancel.html", context)
