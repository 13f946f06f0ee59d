"""The counsellor's journey through a bilan: case page, workflow moves, sessions, consents, synthesis."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from trajectoire.cases import workflow
from trajectoire.cases.access import (
    can_edit_case_content,
    can_read_private_notes,
    can_write_accompaniment,
    get_accompaniment_for_user,
    get_beneficiary_for_user,
    get_consent_for_user,
)
from trajectoire.cases.enums import ConsentKind
from trajectoire.cases.errors import CaseRuleError, StaleEditError
from trajectoire.cases.models import Synthesis
from trajectoire.cases.services import (
    BILAN_CEILING_MINUTES,
    accompaniment_create,
    accompaniment_update,
    consent_record,
    consent_sign,
    consent_withdraw,
    follow_up_record,
    minutes_held,
    minutes_planned,
)
from trajectoire.web.cases.forms import (
    CONSENT_HELP,
    AccompanimentForm,
    ConsentForm,
    FollowUpForm,
    SignForm,
)
from trajectoire.web.cases.session_parts import session_rows
from trajectoire.web.decorators import centre_member_required
from trajectoire.web.stale import report_stale, stale_notice


def report_rule_error(form, error: CaseRuleError) -> None:
    """Show a rule's refusal next to its field when it names one, else at the top of the form."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, error.message)


def closed_case_redirect(request, case):
    """The answer to a write form of a finished case: back to the case page, saying why (None while open)."""
    if case.is_open:
        return None
    messages.warning(
        request,
        f"Ce bilan est « {case.get_state_display()} » : ses informations, entretiens, consentements, profil, pistes "
        "et synthèse ne se modifient plus. Seuls l'entretien de suivi, le retrait d'un consentement et, pour un "
        "responsable, la réouverture restent possibles.",
    )
    return redirect("web:case_detail", pk=case.pk)


def case_context(request, accompaniment) -> dict:
    """What every page of a case shows in its header: « heures réalisées » are held sessions only (real
    duration); planned sessions are shown apart; the 24-hour ceiling counts both."""
    held = minutes_held(accompaniment)
    planned = minutes_planned(accompaniment)
    used = held + planned
    return {
        "case": accompaniment,
        # Write forms are offered only on an open case; `can_write_case` keeps the few actions of a closed one
        # (follow-up interview, withdrawal of a consent).
        "can_write": can_edit_case_content(request.user, accompaniment),
        "can_write_case": can_write_accompaniment(request.user, accompaniment),
        "show_private": can_read_private_notes(request.user, accompaniment),
        "minutes_held": held,
        "minutes_planned": planned,
        "minutes_used": used,
        "minutes_left": max(BILAN_CEILING_MINUTES - used, 0),
        "ceiling_minutes": BILAN_CEILING_MINUTES,
    }


@centre_member_required
@require_http_methods(["GET", "POST"])
def case_create(request, beneficiary_pk: int):
    beneficiary = get_beneficiary_for_user(request.user, beneficiary_pk, write=True)
    form = AccompanimentForm(
        request.POST or None, centre=beneficiary.centre, initial={"counsellor": request.user, "planned_hours": 24}
    )
    if request.method == "POST" and form.is_valid():
        case = accompaniment_create(actor=request.user, beneficiary=beneficiary, data=form.cleaned_data)
        messages.success(request, "Le bilan est créé. Enregistrez le consentement de la personne pour le commencer.")
        return redirect("web:case_detail", pk=case.pk)
    return render(request, "cases/form.html", {"form": form, "beneficiary": beneficiary, "case": None})


@centre_member_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=True)
    if closed := closed_case_redirect(request, case):
        return closed
    form = AccompanimentForm(request.POST or None, instance=case, centre=case.centre)
    if request.method == "POST" and form.is_valid():
        case.refresh_from_db()
        base_version = form.cleaned_data["base_version"]
        try:
            accompaniment_update(
                actor=request.user, accompaniment=case, data=form.cleaned_data, base_version=base_version or 0
            )
        except StaleEditError as error:
            report_stale(form, error, case, base_version=base_version)
        except CaseRuleError as error:
            report_rule_error(form, error)
        else:
            messages.success(request, "Les informations du bilan sont enregistrées.")
            return redirect("web:case_detail", pk=case.pk)
    return render(request, "cases/form.html", {"form": form, "beneficiary": case.beneficiary, "case": case})


@centre_member_required
def case_detail(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk)
    now = timezone.now()
    context = case_context(request, case)
    context.update(
        {
            "move_options": workflow.available_moves(case, on=timezone.localdate(), user=request.user),
            "sessions": session_rows(case, now=now),
            "now": now,
            "tasks": case.tasks.open().select_related("session"),
            "consents": case.consents.all(),
            "transitions": case.transitions.select_related("actor"),
            "synthesis": Synthesis.objects.filter(accompaniment=case).first(),
            "experiences": case.experiences.all(),
            "skills": case.skills.all(),
            "pistes": case.pistes.all(),
            "steps": case.action_steps.select_related("piste"),
            "destructions": case.destructions.all(),
            "follow_up_form": FollowUpForm(initial={"done_on": timezone.localdate()}),
        }
    )
    return render(request, "cases/detail.html", context)


@centre_member_required
@require_http_methods(["GET", "POST"])
def consent_create_view(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=True)
    if closed := closed_case_redirect(request, case):
        return closed
    initial = {"kind": request.GET.get("type", ConsentKind.BILAN_AGREEMENT), "given_on": timezone.localdate()}
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(actor=request.user, accompaniment=case, data=form.cleaned_data)
        except CaseRuleError as error:
            report_rule_error(form, error)
        else:
            messages.success(request, "Le consentement est enregistré.")
            return redirect("web:case_detail", pk=case.pk)
    return render(
        request, "cases/consent_form.html", {**case_context(request, case), "form": form, "help": CONSENT_HELP}
    )


# The fields of a consent that its sign / withdraw actions and its recording can change.
STALE_CONSENT_FIELDS = ("given_on", "withdrawn_on", "sent_on", "keep_until", "third_party")


def _consent_action(request, pk: int, consent_pk: int, service, done: str):
    consent = get_consent_for_user(request.user, consent_pk, write=True)
    if consent.accompaniment_id != pk:
        raise Http404
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        base_version = form.cleaned_data["base_version"]
        try:
            service(actor=request.user, consent=consent, on=form.cleaned_data["on"], base_version=base_version)
        except StaleEditError as error:
            messages.error(
                request,
                f"{error.message} {stale_notice(consent, base_version=base_version, fields=STALE_CONSENT_FIELDS)}",
            )
        except CaseRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
    return redirect("web:case_detail", pk=pk)


@centre_member_required
@require_POST
def consent_sign_view(request, pk: int, consent_pk: int):
    return _consent_action(request, pk, consent_pk, consent_sign, "La signature est enregistrée.")


@centre_member_required
@require_POST
def consent_withdraw_view(request, pk: int, consent_pk: int):
    return _consent_action(request, pk, consent_pk, consent_withdraw, "Le retrait du consentement est enregistré.")


@centre_member_required
@require_POST
def follow_up_view(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=True)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date et la situation de la personne.")
        return redirect("web:case_detail", pk=pk)
    try:
        follow_up_record(
            actor=request.user,
            accompaniment=case,
            on=form.cleaned_data["done_on"],
            outcome=form.cleaned_data["outcome"],
        )
    except CaseRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "L'entretien de suivi est enregistré.")
    return redirect("web:case_detail", pk=pk)
