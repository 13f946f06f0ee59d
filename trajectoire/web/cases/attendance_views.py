"""Émargement pages: sign on site, confirm with a code, record evidence, correct; the attendance sheet PDF."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.services import audit_record
from trajectoire.cases.access import get_accompaniment_for_user, get_attendance_for_user, get_session_for_user
from trajectoire.cases.attendance import (
    CODE_MAX_ATTEMPTS,
    CODE_VALIDITY,
    Proof,
    attendance_chain,
    attendance_code_confirm,
    attendance_code_send,
    attendance_correct,
    attendance_record_evidence,
    attendance_sign_on_site,
    current_attendance,
    french_datetime,
    svg_data_url,
)
from trajectoire.cases.errors import CaseRuleError
from trajectoire.documents.pdf import attendance_sheet_pdf
from trajectoire.web.cases.attendance_forms import CodeForm, CorrectionForm, EvidenceForm, SignatureForm
from trajectoire.web.cases.views import case_context
from trajectoire.web.decorators import centre_member_required


def _session_of_case(request, pk: int, session_pk: int, *, write: bool):
    session = get_session_for_user(request.user, session_pk, write=write)
    if session.accompaniment_id != pk:
        raise Http404("Entretien introuvable dans ce bilan.")
    return session


def _page_url(session) -> str:
    return reverse("web:attendance", args=[session.accompaniment_id, session.pk])


def _records(session) -> list[dict]:
    """Every record of the session, oldest first, with its drawings as image URLs."""
    return [
        {
            "record": record,
            "signed_on": french_datetime(record.signed_at),
            "signature_url": svg_data_url(record.signature_svg),
            "counsellor_signature_url": svg_data_url(record.counsellor_signature_svg),
        }
        for record in attendance_chain(session)
    ]


def _refused(request, session, error: CaseRuleError, name: str, form):
    """A refusal next to its field when the form has it; otherwise at the top of the page, which always shows
    (the section of the form may not be displayed, e.g. once the session is signed)."""
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
        return _page(request, session, **{name: form})
    return _page(request, session, refusal=error.message, **{name: form})


def _page(request, session, *, refusal: str = "", **forms):
    case = session.accompaniment
    records = _records(session)
    current = current_attendance([r["record"] for r in records])
    pending_code = (
        session.attendance_codes.filter(used_at__isnull=True, expires_at__gt=timezone.now()).first()
        if current is None
        else None
    )
    context = {
        **case_context(request, case),
        "session": session,
        "refusal": refusal,
        "records": records,
        "current": current,
        "pending_code": pending_code,
        "pending_code_until": french_datetime(pending_code.expires_at) if pending_code else "",
        "session_on": french_datetime(session.starts_at),
        "code_minutes": int(CODE_VALIDITY.total_seconds() // 60),
        "code_attempts": CODE_MAX_ATTEMPTS,
        "signature_form": forms.get("signature_form") or SignatureForm(),
        "code_form": forms.get("code_form") or CodeForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "correction_form": forms.get("correction_form") or CorrectionForm(),
    }
    return render(request, "cases/attendance.html", context)


@centre_member_required
@require_http_methods(["GET", "POST"])
def attendance_view(request, pk: int, session_pk: int):
    """The émargement page of a session; a POST is the on-site signature (both pads)."""
    session = _session_of_case(request, pk, session_pk, write=request.method == "POST")
    if request.method == "GET":
        audit_record(
            actor=request.user, action=AuditAction.VIEW, obj=session, centre_id=session.accompaniment.centre_id
        )
        return _page(request, session)
    form = SignatureForm(request.POST)
    form.is_valid()
    try:
        attendance_sign_on_site(
            actor=request.user,
            session=session,
            signature_svg=form.cleaned_data.get("signature_svg", ""),
            counsellor_signature_svg=form.cleaned_data.get("counsellor_signature_svg", ""),
            now=timezone.now(),
        )
    except CaseRuleError as error:
        return _refused(request, session, error, "signature_form", form)
    messages.success(request, "Émargement enregistré : signatures de la personne et du conseiller.")
    return redirect(_page_url(session))


@centre_member_required
@require_POST
def attendance_code_send_view(request, pk: int, session_pk: int):
    session = _session_of_case(request, pk, session_pk, write=True)
    try:
        record = attendance_code_send(actor=request.user, session=session, now=timezone.now())
    except CaseRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Code envoyé à {record.sent_to}, valable jusqu'au {french_datetime(record.expires_at)} : demandez à la "
            "personne de vous le lire.",
        )
    return redirect(_page_url(session) + "#code")


@centre_member_required
@require_POST
def attendance_code_confirm_view(request, pk: int, session_pk: int):
    session = _session_of_case(request, pk, session_pk, write=True)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            attendance_code_confirm(session=session, code=form.cleaned_data["code"], now=timezone.now())
        except CaseRuleError as error:
            return _refused(request, session, error, "code_form", form)
        else:
            messages.success(request, "Émargement enregistré : la personne a confirmé sa présence par son code.")
            return redirect(_page_url(session))
    return _page(request, session, code_form=form)


@centre_member_required
@require_POST
def attendance_evidence_view(request, pk: int, session_pk: int):
    session = _session_of_case(request, pk, session_pk, write=True)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            attendance_record_evidence(
                actor=request.user, session=session, evidence=form.cleaned_data["evidence"], now=timezone.now()
            )
        except CaseRuleError as error:
            return _refused(request, session, error, "evidence_form", form)
        else:
            messages.success(request, "Émargement enregistré : la preuve de présence est consignée.")
            return redirect(_page_url(session))
    return _page(request, session, evidence_form=form)


@centre_member_required
@require_POST
def attendance_correct_view(request, pk: int, session_pk: int, attendance_pk: int):
    session = _session_of_case(request, pk, session_pk, write=True)
    attendance = get_attendance_for_user(request.user, attendance_pk, write=True)
    if attendance.session_id != session.pk:
        raise Http404("Émargement introuvable pour cet entretien.")
    form = CorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attendance_correct(
                actor=request.user,
                attendance=attendance,
                reason=data["correction_reason"],
                proof=Proof(
                    method=data["method"],
                    signature_svg=data["signature_svg"],
                    counsellor_signature_svg=data["counsellor_signature_svg"],
                    evidence=data["evidence"],
                ),
                now=timezone.now(),
            )
        except CaseRuleError as error:
            return _refused(request, session, error, "correction_form", form)
        else:
            messages.success(request, "Correction enregistrée ; l'émargement précédent reste conservé.")
            return redirect(_page_url(session))
    return _page(request, session, correction_form=form)


@centre_member_required
def attendance_sheet_pdf_view(request, pk: int):
    """The feuille d'émargement of a case: every held session with its proofs of presence."""
    case = get_accompaniment_for_user(request.user, pk)
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=case, centre_id=case.centre_id, fields=["attendance"]
    )
    response = HttpResponse(attendance_sheet_pdf(case), content_type="application/pdf")
    name = f"emargement-{slugify(case.beneficiary.last_name)}-{case.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
