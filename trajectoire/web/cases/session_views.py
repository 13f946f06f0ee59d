"""Sessions of a case: plan, edit, and record what became of them (held, cancelled, missed); the follow-up
tasks a no-show opens. Every write is one service call (trajectoire/cases/services.py)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from trajectoire.cases.access import (
    can_read_private_notes,
    get_accompaniment_for_user,
    get_case_task_for_user,
    get_session_for_user,
)
from trajectoire.cases.enums import SessionStatus
from trajectoire.cases.errors import CaseRuleError, StaleEditError
from trajectoire.cases.notifications import session_plan
from trajectoire.cases.services import (
    case_task_done,
    session_cancel,
    session_mark_held,
    session_mark_missed,
    session_update,
)
from trajectoire.web.cases.forms import (
    CaseTaskDoneForm,
    SessionCancelForm,
    SessionForm,
    SessionHeldForm,
    SessionMissedForm,
)
from trajectoire.web.cases.session_parts import decorate
from trajectoire.web.cases.views import case_context, closed_case_redirect, report_rule_error
from trajectoire.web.decorators import centre_member_required
from trajectoire.web.stale import report_stale

READ_ONLY_STATUSES = {SessionStatus.CANCELLED, SessionStatus.MISSED}


def _session_of_case(request, pk: int, session_pk: int):
    session = get_session_for_user(request.user, session_pk, write=True)
    if session.accompaniment_id != pk:
        raise Http404
    return session


def _edit_form(request, session, *, now, data=None) -> SessionForm:
    return SessionForm(
        data,
        instance=session,
        accompaniment=session.accompaniment,
        show_private=can_read_private_notes(request.user, session.accompaniment),
        initial={"base_version": session.version},
        now=now,
    )


def _session_page(request, session, *, now, form=None, bound: dict | None = None):
    """The session page: its status, its status forms while planned, its edit form unless cancelled or missed."""
    case = session.accompaniment
    # A finished case shows its sessions read-only (the edit form would only fail on submit).
    if session.status in READ_ONLY_STATUSES or not case.is_open:
        form = None
    elif form is None:
        form = _edit_form(request, session, now=now)
    decorate(session, now=now, bound=bound)
    return render(
        request,
        "cases/session_form.html",
        {**case_context(request, case), "form": form, "session": session, "now": now},
    )


def _back_to_case(session) -> str:
    return reverse("web:case_detail", args=[session.accompaniment_id]) + f"#entretien-{session.pk}"


@centre_member_required
@require_http_methods(["GET", "POST"])
def session_create_view(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=True)
    if closed := closed_case_redirect(request, case):
        return closed
    now = timezone.now()
    show_private = can_read_private_notes(request.user, case)
    # From a free slot of the agenda: `?debut=2026-03-10T09:30&depuis=agenda` (trajectoire/web/agenda/views.py).
    initial = {"starts_at": request.GET["debut"]} if request.GET.get("debut") else {}
    form = SessionForm(request.POST or None, accompaniment=case, show_private=show_private, now=now, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_plan(actor=request.user, accompaniment=case, data=form.cleaned_data, now=now)
        except CaseRuleError as error:
            report_rule_error(form, error)
        else:
            messages.success(request, "L'entretien est enregistré.")
            if request.GET.get("depuis") == "agenda":
                day = timezone.localdate(session.starts_at)
                return redirect(reverse("web:calendar") + f"?du={day:%Y-%m-%d}")
            return redirect("web:case_detail", pk=case.pk)
    return render(
        request,
        "cases/session_form.html",
        {**case_context(request, case), "form": form, "session": None, "now": now},
    )


@centre_member_required
@require_http_methods(["GET", "POST"])
def session_edit_view(request, pk: int, session_pk: int):
    session = _session_of_case(request, pk, session_pk)
    now = timezone.now()
    if request.method == "GET":
        return _session_page(request, session, now=now)
    if session.status in READ_ONLY_STATUSES:
        messages.error(
            request, f"Cet entretien est « {session.get_status_display()} » : il ne se modifie plus. Rien n'a changé."
        )
        return _session_page(request, session, now=now)
    form = _edit_form(request, session, now=now, data=request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        base_version = data.pop("base_version") or 0
        session.refresh_from_db()
        try:
            session_update(actor=request.user, session=session, data=data, base_version=base_version)
        except StaleEditError as error:
            report_stale(form, error, session, base_version=base_version)
        except CaseRuleError as error:
            report_rule_error(form, error)
        else:
            messages.success(request, "L'entretien est mis à jour.")
            return redirect(_back_to_case(session))
    return _session_page(request, session, now=now, form=form)


def _status_action(request, pk: int, session_pk: int, *, name: str, form_class, service, done: str):
    """Common frame of the three status changes: bound form, one service call. Invalid input: the session page
    with the message beside the field. A refusal of the rules: the session page with the message on top.
    Either way nothing changed."""
    session = _session_of_case(request, pk, session_pk)
    now = timezone.now()
    form = form_class(request.POST, auto_id=f"id_s{session.pk}_%s")
    if form.is_valid():
        try:
            service(session, form.cleaned_data, now)
        except CaseRuleError as error:
            # A refusal of the rules goes at the top of the page: the form it came from may no longer be shown
            # (the session was marked meanwhile, or has not started yet).
            messages.error(request, error.message)
        else:
            messages.success(request, done)
            return redirect(_back_to_case(session))
    session.refresh_from_db()
    if form.errors and not _form_shown(session, name, now=now):
        # Sent from a page that was out of date (the session started, or was marked, meanwhile): the form will
        # not be shown again, so its messages go on top of the page.
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _session_page(request, session, now=now, bound={name: form})


def _form_shown(session, name: str, *, now) -> bool:
    """Mirrors templates/cases/_partials/session_status.html: held and missed once started, cancel before."""
    if session.status != SessionStatus.PLANNED or not session.accompaniment.is_open:
        return False
    return (name == "cancel") != (session.starts_at <= now)


@centre_member_required
@require_POST
def session_mark_held_view(request, pk: int, session_pk: int):
    return _status_action(
        request,
        pk,
        session_pk,
        name="held",
        form_class=SessionHeldForm,
        service=lambda session, data, now: session_mark_held(
            actor=request.user, session=session, held_minutes=data["held_minutes"], now=now
        ),
        done="L'entretien est marqué réalisé : sa durée réelle compte dans les heures réalisées.",
    )


@centre_member_required
@require_POST
def session_cancel_view(request, pk: int, session_pk: int):
    return _status_action(
        request,
        pk,
        session_pk,
        name="cancel",
        form_class=SessionCancelForm,
        service=lambda session, data, now: session_cancel(
            actor=request.user, session=session, by=data["cancelled_by"], reason=data["status_reason"], now=now
        ),
        done="L'entretien est annulé : son temps est libéré sur le bilan.",
    )


@centre_member_required
@require_POST
def session_mark_missed_view(request, pk: int, session_pk: int):
    return _status_action(
        request,
        pk,
        session_pk,
        name="missed",
        form_class=SessionMissedForm,
        service=lambda session, data, now: session_mark_missed(
            actor=request.user, session=session, now=now, reason=data["status_reason"]
        ),
        done="L'absence est enregistrée. Une relance est ajoutée à vos tâches pour demain.",
    )


@centre_member_required
@require_POST
def case_task_done_view(request, pk: int, task_pk: int):
    """Marks a follow-up task done, with what was done. Comes from the home page or the case page."""
    task = get_case_task_for_user(request.user, task_pk, write=True)
    if task.accompaniment_id != pk:
        raise Http404
    form = CaseTaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["outcome"][0])
    else:
        try:
            case_task_done(actor=request.user, task=task, outcome=form.cleaned_data["outcome"], now=timezone.now())
        except CaseRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "La tâche est faite : la suite donnée est enregistrée.")
    if request.POST.get("next") == "case":
        return redirect("web:case_detail", pk=pk)
    return redirect("web:home")
