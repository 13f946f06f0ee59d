"""Access funnel of stored funding evaluations: seen with their case, written by who may write the case."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from trajectoire.accounts.models import User
from trajectoire.cases.access import can_write_accompaniment
from trajectoire.funding.models import SchemeEvaluation


def get_scheme_evaluation_for_user(user: User, pk: int, *, write: bool = False) -> SchemeEvaluation:
    evaluation = (
        SchemeEvaluation.objects.visible_to(user)
        .select_related("accompaniment", "accompaniment__beneficiary", "created_by")
        .filter(pk=pk)
        .first()
    )
    if evaluation is None:
        raise Http404("Évaluation introuvable.")
    if write and not can_write_accompaniment(user, evaluation.accompaniment):
        raise PermissionDenied("Seuls les conseillers de ce bilan et les responsables du centre peuvent le modifier.")
    return evaluation
