from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from trajectoire.accounts.audit import audited_list
from trajectoire.accounts.enums import CENTRE_WIDE_WRITE_ROLES
from trajectoire.cases.enums import OPEN_STATES, State
from trajectoire.cases.models import Accompaniment, Beneficiary, Session
from trajectoire.web.beneficiaries.forms import BeneficiarySearchForm


def _caseload(user, centre, today):
    mine = Accompaniment.objects.visible_to(user).filter(centre=centre).followed_by(user)
    by_state = dict(mine.values_list("state").annotate(n=Count("id", distinct=True)))
    open_cases = (
        mine.filter(state__in=list(OPEN_STATES))
        .select_related("beneficiary")
        .annotate(minutes=Sum("sessions__duration_minutes"))
        .order_by("planned_end")
    )
    zone = timezone.get_current_timezone()
    return {
        "states": [(label, by_state.get(value, 0), value) for value, label in State.choices],
        "open_cases": open_cases,
        "overdue": [c for c in open_cases if c.planned_end and c.planned_end < today],
        "next_sessions": Session.objects.visible_to(user)
        .filter(Q(accompaniment__counsellor=user) | Q(accompaniment__co_counsellors=user))
        .filter(starts_at__gte=datetime.combine(today, time.min, zone))
        .select_related("accompaniment__beneficiary")
        .distinct()
        .order_by("starts_at")[:8],
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
    context.update(_caseload(request.user, membership.centre, timezone.localdate()))
    for key in ("open_cases", "next_sessions", "follow_ups"):
        context[key] = audited_list(request, context[key])
    if membership.role in CENTRE_WIDE_WRITE_ROLES:
        context["per_counsellor"] = (
            Beneficiary.objects.visible_to(request.user)
            .filter(centre=membership.centre)
            .values("counsellor__first_name", "counsellor__last_name")
            .annotate(total=Count("id"))
            .order_by("counsellor__last_name", "counsellor__first_name")
        )
    return render(request, "home/home.html", context)
