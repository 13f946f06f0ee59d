from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from trajectoire import formatting
from trajectoire.accounts.audit import audited_list
from trajectoire.cases.access import can_write_beneficiary, get_beneficiary_for_user
from trajectoire.cases.errors import StaleEditError
from trajectoire.cases.models import Accompaniment, Beneficiary
from trajectoire.cases.services import beneficiary_create, beneficiary_update
from trajectoire.web.beneficiaries.forms import BeneficiaryForm, BeneficiarySearchForm
from trajectoire.web.decorators import centre_member_required
from trajectoire.web.stale import report_stale

PAGE_SIZE = 25


@centre_member_required
def beneficiary_list(request):
    form = BeneficiarySearchForm(request.GET or None)
    beneficiaries = (
        Beneficiary.objects.visible_to(request.user)
        .filter(centre=request.membership.centre)
        .select_related("counsellor")
    )
    if form.is_valid():
        beneficiaries = beneficiaries.search(form.cleaned_data["q"])
        if form.cleaned_data["mine"]:
            beneficiaries = beneficiaries.filter(counsellor=request.user)
    page = Paginator(beneficiaries, PAGE_SIZE).get_page(request.GET.get("page"))
    audited_list(request, page, search=form.is_valid() and bool(form.cleaned_data["q"].strip()))
    template = "beneficiaries/_partials/results.html" if request.htmx else "beneficiaries/list.html"
    return render(request, template, {"form": form, "page": page})


@centre_member_required
@require_http_methods(["GET", "POST"])
def beneficiary_create_view(request):
    centre = request.membership.centre
    form = BeneficiaryForm(request.POST or None, centre=centre, initial={"counsellor": request.user})
    if request.method == "POST" and form.is_valid():
        beneficiary = beneficiary_create(actor=request.user, centre=centre, data=form.cleaned_data)
        messages.success(request, f"Le dossier {formatting.de(beneficiary.full_name)} est créé.")
        return redirect("web:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "beneficiaries/form.html", {"form": form, "beneficiary": None})


@centre_member_required
def beneficiary_detail(request, pk: int):
    beneficiary = get_beneficiary_for_user(request.user, pk)
    return render(
        request,
        "beneficiaries/detail.html",
        {
            "beneficiary": beneficiary,
            "can_write": can_write_beneficiary(request.user, beneficiary),
            "cases": Accompaniment.objects.visible_to(request.user).filter(beneficiary=beneficiary),
        },
    )


@centre_member_required
@require_http_methods(["GET", "POST"])
def beneficiary_edit(request, pk: int):
    beneficiary = get_beneficiary_for_user(request.user, pk, write=True)
    form = BeneficiaryForm(request.POST or None, instance=beneficiary, centre=beneficiary.centre)
    if request.method == "POST" and form.is_valid():
        # The service compares with the stored row, so the form must not have touched the instance.
        beneficiary.refresh_from_db()
        base_version = form.cleaned_data["base_version"]
        try:
            beneficiary_update(
                actor=request.user, beneficiary=beneficiary, data=form.cleaned_data, base_version=base_version or 0
            )
        except StaleEditError as error:
            report_stale(form, error, beneficiary, base_version=base_version)
        else:
            messages.success(request, "Les modifications sont enregistrées.")
            return redirect("web:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "beneficiaries/form.html", {"form": form, "beneficiary": beneficiary})
