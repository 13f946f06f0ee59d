from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from trajectoire.accounts.enums import CENTRE_WIDE_WRITE_ROLES
from trajectoire.cases.models import Beneficiary
from trajectoire.web.beneficiaries.forms import BeneficiarySearchForm


@login_required
def home(request):
    """Counsellor: their own beneficiaries with a search box. Manager: the centre at a glance too.
    A user without a centre (a network analyst) gets a page that says where to go instead."""
    membership = request.membership
    if membership is None:
        return render(request, "home/no_centre.html")
    form = BeneficiarySearchForm(request.GET or None)
    mine = Beneficiary.objects.visible_to(request.user).filter(centre=membership.centre, counsellor=request.user)
    if form.is_valid():
        mine = mine.search(form.cleaned_data["q"])
    context = {"form": form, "beneficiaries": mine[:50], "beneficiary_count": mine.count()}
    if membership.role in CENTRE_WIDE_WRITE_ROLES:
        per_counsellor = (
            Beneficiary.objects.visible_to(request.user)
            .filter(centre=membership.centre)
            .values("counsellor__first_name", "counsellor__last_name")
            .annotate(total=Count("id"))
            .order_by("counsellor__last_name", "counsellor__first_name")
        )
        context["per_counsellor"] = per_counsellor
    template = "beneficiaries/_partials/home_results.html" if request.htmx else "home/home.html"
    return render(request, template, context)
