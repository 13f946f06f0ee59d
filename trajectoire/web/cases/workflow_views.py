"""Workflow moves of a case: each one is a confirmation page (GET, no side effect) that says what follows, then a
POST « Confirmer » that runs the move's service. The rules themselves live in trajectoire/cases/workflow.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from trajectoire.cases import workflow
from trajectoire.cases.access import get_accompaniment_for_user
from trajectoire.cases.enums import State
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.retention import retention_outlook
from trajectoire.web.cases.forms import ReasonForm
from trajectoire.web.cases.views import case_context
from trajectoire.web.decorators import centre_member_required

# What follows each move, in the counsellor's words (phases: C. trav. R6313-4).
WHAT_FOLLOWS = {
    "start": [
        "La phase préliminaire s'ouvre (C. trav. R6313-4 1°) : analyser la demande et le besoin de la personne, "
        "choisir avec elle le déroulement le plus adapté et définir ensemble les modalités du bilan.",
        "Les entretiens de la phase préliminaire peuvent dès lors être saisis ; la date de début du bilan est "
        "celle d'aujourd'hui.",
    ],
    "investigate": [
        "La phase d'investigation s'ouvre (C. trav. R6313-4 2°) : construire le projet professionnel de la "
        "personne et en vérifier la pertinence, ou élaborer une ou plusieurs alternatives.",
        "C'est le temps des expériences, du profil de compétences, des pistes et des enquêtes métiers.",
    ],
    "conclude": [
        "La phase de conclusion s'ouvre (C. trav. R6313-4 3°) : par des entretiens personnalisés, la personne "
        "s'approprie les résultats détaillés, recense les conditions et moyens favorables à son projet et en "
        "prévoit les principales étapes, dont un éventuel entretien de suivi.",
        "Le document de synthèse se rédige et se valide avec la personne pendant cette phase.",
    ],
    "close": [
        "Le bilan se termine aujourd'hui ; l'entretien de suivi est programmé selon le réglage du centre.",
        "Les documents de travail sont détruits comme l'exige l'article R6313-7 du Code du travail (détail "
        "ci-dessous). Une fois la destruction faite, le bilan ne peut plus être rouvert.",
    ],
    "abandon": [
        "Le bilan s'arrête aujourd'hui, avec le motif indiqué ; il ne pourra plus être repris.",
        "Les documents de travail sont détruits comme à la clôture (C. trav. R6313-7, détail ci-dessous).",
    ],
    "reopen": [
        "Le bilan revient en phase de conclusion : la date de fin et l'entretien de suivi prévu sont effacés.",
        "La destruction des documents programmée à la clôture n'a pas lieu : elle sera de nouveau programmée à "
        "la prochaine clôture. La réouverture est inscrite à l'historique avec son motif.",
    ],
}


def _destruction_texts(outlook, *, move: workflow.Move, today) -> tuple[str, str]:
    """The two sentences of the confirmation page about R6313-7: when the documents go, and the synthesis."""
    if outlook.documents_kept_until:
        documents = (
            "La personne a consenti par écrit à leur conservation pour le suivi : les documents de travail seront "
            f"détruits après le {outlook.documents_kept_until:%d/%m/%Y}, fin de la conservation consentie "
            "(3 ans au plus après la fin du bilan)."
        )
    else:
        moment = "la confirmation de l'abandon" if move.name == "abandon" else "la clôture"
        documents = (
            f"Aucune conservation n'est consentie : les documents de travail seront détruits dès {moment}, "
            f"le {today:%d/%m/%Y}."
        )
    if outlook.synthesis_kept_until:
        recipients = ", ".join(outlook.synthesis_recipients)
        purpose = f" pour sa communication à {recipients}" if recipients else ""
        synthesis = (
            f"Le document de synthèse est conservé{purpose} jusqu'au {outlook.synthesis_kept_until:%d/%m/%Y}, "
            "puis détruit."
        )
    else:
        synthesis = (
            "Le document de synthèse est détruit avec les documents de travail : la personne garde son exemplaire "
            "(remettez-lui le PDF avant de confirmer)."
        )
    return documents, synthesis


def _move_or_404(name: str) -> workflow.Move:
    move = workflow.MOVES.get(name)
    if move is None:
        raise Http404("Cette étape n'existe pas.")
    return move


@centre_member_required
@require_http_methods(["GET", "POST"])
def move_confirm(request, pk: int, move: str):
    """GET: what the move does and whether it is possible now. POST « Confirmer »: the move itself."""
    step = _move_or_404(move)
    case = get_accompaniment_for_user(request.user, pk, write=True)
    if not workflow.may_perform(request.user, case, step):
        raise PermissionDenied("Seuls les responsables du centre peuvent rouvrir un bilan clôturé.")
    # The date of a move is the day it is recorded: the workflow itself never reads the clock.
    today = timezone.localdate()
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if step.reason_required:
        form.fields["reason"].required = True
        form.fields["reason"].label = "Motif (obligatoire)"
        form.fields["reason"].error_messages["required"] = (
            "Indiquez le motif de l'abandon." if step.name == "abandon" else "Indiquez pourquoi le bilan est rouvert."
        )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.perform(
                step.name, actor=request.user, accompaniment=case, on=today, reason=form.cleaned_data["reason"]
            )
        except CaseRuleError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
            case.refresh_from_db()
        else:
            messages.success(request, f"Étape enregistrée : {case.get_state_display()}.")
            return redirect("web:case_detail", pk=case.pk)
    refusal = step.refusal(case, on=today)
    ends_case = step.target in {State.CLOSED, State.ABANDONED}
    outlook = retention_outlook(case, ended_on=today) if ends_case and not refusal else None
    destruction_text, synthesis_text = _destruction_texts(outlook, move=step, today=today) if outlook else ("", "")
    return render(
        request,
        "cases/move_confirm.html",
        {
            **case_context(request, case),
            "move": step,
            "refusal": refusal,
            "form": form,
            "what_follows": WHAT_FOLLOWS[step.name],
            "today": today,
            "outlook": outlook,
            "destruction_text": destruction_text,
            "synthesis_text": synthesis_text,
        },
    )
