"""Caseloads: the manager's list of the centre's cases (with CSV). The agenda is in trajectoire/web/agenda/."""

import csv
from decimal import Decimal

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from trajectoire import formatting
from trajectoire.accounts.audit import audited_list
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.services import audit_record
from trajectoire.cases.hours import with_hours
from trajectoire.cases.models import Accompaniment
from trajectoire.web.cases.forms import CaseFilterForm
from trajectoire.web.decorators import centre_manager_required


def _centre_cases(request, *, now):
    form = CaseFilterForm(request.GET or None, centre=request.membership.centre)
    cases = with_hours(
        Accompaniment.objects.visible_to(request.user)
        .filter(centre=request.membership.centre)
        .select_related("beneficiary", "counsellor")
        .order_by("-created_at"),
        now=now,
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            cases = cases.filter(state=data["state"])
        if data["counsellor"]:
            cases = cases.filter(counsellor=data["counsellor"])
        if data["funder"]:
            cases = cases.filter(funder=data["funder"])
        if data["q"]:
            cases = cases.filter(
                Q(beneficiary__last_name__icontains=data["q"]) | Q(beneficiary__first_name__icontains=data["q"])
            )
    return form, cases


@centre_manager_required
def centre_cases(request):
    form, cases = _centre_cases(request, now=timezone.now())
    cases = audited_list(request, cases[:500], search=form.is_valid() and bool(form.cleaned_data["q"]))
    totals = {
        "count": len(cases),
        "held_minutes": sum(c.held_minutes for c in cases),
        "planned_minutes_ahead": sum(c.planned_minutes_ahead for c in cases),
        "amount": sum((c.price_eur or 0) for c in cases),
    }
    return render(request, "cases/centre_list.html", {"form": form, "cases": cases, "totals": totals})


def _number_cell(value, decimals: int = 2) -> str:
    """A number as a French spreadsheet reads it: the typography layer's rounding and decimal comma, without the
    thousands separator (Excel and LibreOffice would take « 1 890,00 » for text): 1890 → « 1890,00 »."""
    return formatting.number(value, decimals).replace(formatting.NNBSP, "")


def _hours_cell(minutes: int) -> str:
    """Hours as a decimal number a spreadsheet can sum: 95 minutes → « 1,58 »."""
    return _number_cell(Decimal(minutes) / 60)


def _date_cell(day) -> str:
    """A date as French spreadsheets read it: « 02/03/2026 »."""
    return f"{day:%d/%m/%Y}" if day else ""


@centre_manager_required
def centre_cases_csv(request):
    _, cases = _centre_cases(request, now=timezone.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="accompagnements-{timezone.localdate():%Y-%m-%d}.csv"'
    # UTF-8 with a byte-order mark so that Excel reads the accents; « ; » because the comma is the decimal mark.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "n°",
            "type",
            "bénéficiaire",
            "conseiller",
            "étape",
            "financeur",
            "référence de commande",
            "prix (€)",
            "heures prévues",
            "heures réalisées",
            "heures prévues à venir",
            "début prévu",
            "fin prévue",
            "commencé le",
            "terminé le",
        ]
    )
    for case in cases:
        writer.writerow(
            [
                case.pk,
                case.get_kind_display(),
                formatting.csv_text(case.beneficiary.full_name),
                formatting.csv_text(case.counsellor.get_full_name()),
                case.get_state_display(),
                case.get_funder_display(),
                formatting.csv_text(case.order_reference),
                _number_cell(case.price_eur),
                _number_cell(case.planned_hours),
                _hours_cell(case.held_minutes),
                _hours_cell(case.planned_minutes_ahead),
                _date_cell(case.planned_start),
                _date_cell(case.planned_end),
                _date_cell(case.started_on),
                _date_cell(case.ended_on),
            ]
        )
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=request.membership.centre,
        centre_id=request.membership.centre_id,
        fields=["accompaniments"],
        shown_count=len({case.beneficiary_id for case in cases}),
    )
    return response
