"""Document de synthèse: edit with optimistic locking, validation, PDF, history, sharing."""

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.services import audit_record
from trajectoire.cases.access import get_accompaniment_for_user, get_synthesis_for_user
from trajectoire.cases.enums import ConsentKind
from trajectoire.cases.errors import CaseRuleError, StaleEditError
from trajectoire.cases.models import Accompaniment, Synthesis
from trajectoire.cases.synthesis import prefill, synthesis_save, synthesis_start, synthesis_validate
from trajectoire.documents.pdf import synthesis_pdf
from trajectoire.web.cases.forms import SynthesisForm, ValidateSynthesisForm
from trajectoire.web.cases.views import case_context, report_rule_error
from trajectoire.web.decorators import centre_member_required
from trajectoire.web.stale import report_stale

# A link the counsellor gives the person to download their synthesis without an account.
PERSON_LINK_SALT = "trajectoire.synthesis.person-link"
PERSON_LINK_DAYS = 30


def _synthesis_of(user, case: Accompaniment) -> Synthesis:
    found = Synthesis.objects.filter(accompaniment=case, destroyed_at__isnull=True).values_list("pk", flat=True)
    if not found:
        raise Http404("Aucun document de synthèse pour ce bilan.")
    # Through its funnel, so that the read is recorded as the synthesis's.
    return get_synthesis_for_user(user, found[0])


@centre_member_required
@require_http_methods(["GET", "POST"])
def synthesis_edit(request, pk: int):
    """GET shows the synthesis or, when the case has none yet, a « Commencer la synthèse » button: starting it
    writes a first version, so it is a POST (action=start), never a side effect of reading the page. Any other
    POST saves a new version."""
    case = get_accompaniment_for_user(request.user, pk, write=request.method == "POST")
    synthesis = Synthesis.objects.filter(accompaniment=case).first()
    if request.method == "POST" and request.POST.get("action") == "start":
        if synthesis is None and not case.is_open:
            messages.error(request, "Le bilan est terminé : une synthèse ne se commence plus.")
        elif synthesis is None:
            synthesis_start(actor=request.user, accompaniment=case)
            messages.success(request, "La synthèse est commencée à partir du dossier : rédigez-la avec la personne.")
        return redirect("web:synthesis_edit", pk=case.pk)
    if synthesis is None:
        if not case.is_open:
            raise Http404("Aucun document de synthèse pour ce bilan.")
        if request.method == "POST":
            return redirect("web:synthesis_edit", pk=case.pk)
        return render(request, "cases/synthesis.html", {**case_context(request, case), "synthesis": None})
    if synthesis.destroyed_at is not None:
        raise Http404("Le document de synthèse a été détruit (C. trav. R6313-7).")
    synthesis = get_synthesis_for_user(request.user, synthesis.pk)  # records the read as the synthesis's
    form = SynthesisForm(request.POST or None, instance=synthesis, initial={"base_version": synthesis.version})
    if request.method == "POST" and form.is_valid():
        synthesis.refresh_from_db()
        data = dict(form.cleaned_data)
        try:
            synthesis_save(actor=request.user, synthesis=synthesis, data=data, base_version=data["base_version"])
        except StaleEditError as error:
            report_stale(form, error, synthesis, base_version=data["base_version"])
        except CaseRuleError as error:
            report_rule_error(form, error)
        else:
            messages.success(request, f"Synthèse enregistrée (version {synthesis.version}).")
            return redirect("web:synthesis_edit", pk=case.pk)
    return render(
        request,
        "cases/synthesis.html",
        {
            **case_context(request, case),
            "synthesis": synthesis,
            "form": form,
            "validate_form": ValidateSynthesisForm(initial={"version": synthesis.version, "on": timezone.localdate()}),
            "suggestion": prefill(case),
            "versions": synthesis.versions.select_related("created_by")[:20],
            "sharing_consents": [
                c
                for c in case.consents.filter(kind=ConsentKind.SYNTHESIS_SHARING)
                if c.is_active_on(timezone.localdate())
            ],
            "person_link": _person_link(request, synthesis) if synthesis.is_validated else None,
        },
    )


@centre_member_required
@require_POST
def synthesis_validate_view(request, pk: int):
    case = get_accompaniment_for_user(request.user, pk, write=True)
    synthesis = _synthesis_of(request.user, case)
    form = ValidateSynthesisForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("web:synthesis_edit", pk=pk)
    try:
        synthesis_validate(
            actor=request.user, synthesis=synthesis, version=form.cleaned_data["version"], on=form.cleaned_data["on"]
        )
    except CaseRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"La version {synthesis.version} est validée par la personne.")
    return redirect("web:synthesis_edit", pk=pk)


def _pdf_response(synthesis: Synthesis, *, recipient: str = "") -> HttpResponse:
    response = HttpResponse(synthesis_pdf(synthesis, recipient=recipient), content_type="application/pdf")
    name = f"synthese-{synthesis.accompaniment.beneficiary.last_name}-v{synthesis.version}.pdf".replace(" ", "-")
    # RFC 6266 filename*: a name such as « Nguyễn » or « Lefèvre » reaches the browser intact.
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


@centre_member_required
def synthesis_pdf_view(request, pk: int):
    """The counsellor's copy; with ?destinataire=<consent> the copy for a named third party, only
    under an active sharing consent naming that party (L6313-4)."""
    case = get_accompaniment_for_user(request.user, pk)
    synthesis = _synthesis_of(request.user, case)
    recipient = ""
    consent_id = request.GET.get("destinataire")
    if consent_id:
        consent = case.consents.filter(
            pk=consent_id if consent_id.isdigit() else 0, kind=ConsentKind.SYNTHESIS_SHARING
        ).first()
        if consent is None or not consent.is_active_on(timezone.localdate()):
            messages.error(
                request, "Aucun accord en cours de la personne pour communiquer la synthèse à ce destinataire."
            )
            return redirect("web:synthesis_edit", pk=pk)
        if not synthesis.is_validated:
            messages.error(request, "Seule une synthèse validée par la personne peut être communiquée.")
            return redirect("web:synthesis_edit", pk=pk)
        recipient = consent.third_party
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=consent,
            centre_id=case.centre_id,
            fields=["third_party"],
        )
    else:
        audit_record(actor=request.user, action=AuditAction.EXPORT, obj=synthesis, centre_id=case.centre_id)
    return _pdf_response(synthesis, recipient=recipient)


def _person_link(request, synthesis: Synthesis) -> str:
    token = signing.dumps({"s": synthesis.pk, "v": synthesis.version}, salt=PERSON_LINK_SALT)
    return request.build_absolute_uri(reverse("web:synthesis_person", args=[token]))


def synthesis_person_view(request, token: str):
    """The person's own download, without an account: a signed link valid 30 days, for the
    validated version only, and only while the document still exists."""
    try:
        data = signing.loads(token, salt=PERSON_LINK_SALT, max_age=PERSON_LINK_DAYS * 24 * 3600)
    except signing.BadSignature:
        raise Http404("Ce lien n'est pas valable ou a expiré : demandez-en un nouveau à votre conseiller.")
    synthesis = (
        Synthesis.objects.select_related("accompaniment__beneficiary", "accompaniment__centre")
        .filter(pk=data.get("s"), destroyed_at__isnull=True)
        .first()
    )
    if synthesis is None or synthesis.version != data.get("v") or not synthesis.is_validated:
        raise Http404("Ce lien ne correspond plus à la version validée de votre synthèse.")
    audit_record(
        actor=None,
        action=AuditAction.EXPORT,
        obj=synthesis,
        centre_id=synthesis.accompaniment.centre_id,
        fields=["person_link"],
    )
    return _pdf_response(synthesis)
