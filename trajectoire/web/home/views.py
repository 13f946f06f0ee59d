from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from trajectoire.accounts.audit import audited_list
from trajectoire.accounts.enums import CENTRE_WIDE_WRITE_ROLES
from trajectoire.cases.enums import OPEN_STATES, SessionStatus, State
from trajectoire.cases.hours import count_by_state, total_minutes, with_hours
from trajectoire.cases.models import Accompaniment, Beneficiary, CaseTask, Session
from trajectoire.web.beneficiaries.forms import BeneficiarySearchForm


def _caseload(user, centre, *, now) -> dict:
    """The counsellor's own cases: counters by step (every case once, closed ones included), cases in progress
    with their honest hours, the next sessions (from now on, open cases only) and what is waiting for them."""
    today = timezone.localdate(now)
    mine = Accompaniment.objects.visible_to(user).filter(centre=centre).followed_by(user)
    open_cases = with_hours(mine.filter(state__in=list(OPEN_STATES)).select_related("beneficiary"), now=now).order_by(
        "planned_end"
    )
    my_sessions = (
        Session.objects.filter(accompaniment__in=mine.open().values("pk"), status=SessionStatus.PLANNED)
        .select_related("accompaniment__beneficiary")
        .order_by("starts_at")
    )
    return {
        "states": count_by_state(mine),
        "open_cases": open_cases,
        "overdue": [c for c in open_cases if c.planned_end and c.planned_end < today],
        "next_sessions": my_sessions.filter(starts_at__gte=now)[:8],
        # Their time has passed and nobody said whether they took place: hours réalisées wait for them.
        "sessions_to_record": my_sessions.filter(starts_at__lt=now)[:20],
        "tasks": CaseTask.objects.open()
        .filter(accompaniment__in=mine.values("pk"))
        .select_related("accompaniment__beneficiary", "session")
        .order_by("due_on", "pk"),
        "follow_ups": mine.filter(
            state=State.CLOSED, follow_up_done_on__isnull=True, follow_up_on__lte=today + timedelta(days=30)
        )
        .select_related("beneficiary")
        .order_by("follow_up_on"),
        "today": today,
    }


@login_required
def home(request):
    """Counsellor: caseload, what is overdue, next sessions and follow-ups, their beneficiaries.
    Manager: the centre at a glance too. A user without a centre gets a page saying where to go."""
    membership = request.membership
    if membership is None:
        return render(request, "home/no_centre.html")
    form = BeneficiarySearchForm(request.GET or None)
    mine = Beneficiary.objects.visible_to(request.user).filter(centre=membership.centre, counsellor=request.user)
    searched = form.is_valid() and bool(form.cleaned_data["q"].strip())
    if form.is_valid():
        mine = mine.search(form.cleaned_data["q"])
    if request.htmx:
        shown = audited_list(request, mine[:50], search=searched)
        return render(request, "beneficiaries/_partials/home_results.html", {"beneficiaries": shown})
    context = {
        "form": form,
        "beneficiaries": audited_list(request, mine[:50], search=searched),
        "beneficiary_count": mine.count(),
    }
    context.update(_caseload(request.user, membership.centre, now=timezone.now()))
    for key in ("open_cases", "next_sessions", "sessions_to_record", "tasks", "follow_ups"):
        context[key] = audited_list(request, context[key])
    if membership.role in CENTRE_WIDE_WRITE_ROLES:
        centre_cases = Accompaniment.objects.visible_to(request.user).filter(centre=membership.centre)
        context["centre_states"] = count_by_state(centre_cases)
        context["centre_hours"] = total_minutes(centre_cases, now=timezone.now())
        context["per_counsellor"] = (
            Beneficiary.objects.visible_to(request.user)
            .filter(centre=membership.centre)
            .values("counsellor__first_name", "counsellor__last_name")
            .annotate(total=Count("id"))
            .order_by("counsellor__last_name", "counsellor__first_name")
        )
    return render(request, "home/home.html", context)
