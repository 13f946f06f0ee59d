"""Access funnels of the cases app: the only way views reach personal data."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from trajectoire.accounts.access import has_centre_wide_write
from trajectoire.accounts.models import User
from trajectoire.cases.models import (
    Accompaniment,
    ActionStep,
    Attendance,
    Beneficiary,
    CaseTask,
    Consent,
    Experience,
    Piste,
    ProfileSkill,
    Session,
    Synthesis,
    SynthesisVersion,
)


def can_write_beneficiary(user: User, beneficiary: Beneficiary) -> bool:
    """The referent counsellor and the centre's managers and administrators may change the record;
    other counsellors of the centre may read it (to stand in for a colleague) but not change it."""
    if beneficiary.counsellor_id == user.pk:
        return True
    return has_centre_wide_write(user, beneficiary.centre_id)


def get_beneficiary_for_user(user: User, pk: int, *, write: bool = False) -> Beneficiary:
    beneficiary = Beneficiary.objects.visible_to(user).select_related("centre", "counsellor").filter(pk=pk).first()
    if beneficiary is None:
        raise Http404("Bénéficiaire introuvable.")
    if write and not can_write_beneficiary(user, beneficiary):
        raise PermissionDenied(
            "Seuls le conseiller référent et les responsables du centre peuvent modifier ce dossier."
        )
    return beneficiary


def is_case_counsellor(user: User, accompaniment: Accompaniment) -> bool:
    return accompaniment.counsellor_id == user.pk or accompaniment.co_counsellors.filter(pk=user.pk).exists()


def can_write_accompaniment(user: User, accompaniment: Accompaniment) -> bool:
    return is_case_counsellor(user, accompaniment) or has_centre_wide_write(user, accompaniment.centre_id)


def can_read_private_notes(user: User, accompaniment: Accompaniment) -> bool:
    """Private notes are the counsellor's own working notes: not even the centre's manager reads them."""
    return is_case_counsellor(user, accompaniment)


def get_accompaniment_for_user(user: User, pk: int, *, write: bool = False) -> Accompaniment:
    accompaniment = (
        Accompaniment.objects.visible_to(user)
        .select_related("centre", "beneficiary", "counsellor")
        .filter(pk=pk)
        .first()
    )
    if accompaniment is None:
        raise Http404("Accompagnement introuvable.")
    if write and not can_write_accompaniment(user, accompaniment):
        raise PermissionDenied("Seuls les conseillers de ce bilan et les responsables du centre peuvent le modifier.")
    return accompaniment


def case_child_funnel(model, path: str = "accompaniment"):
    """Funnel of a model that hangs off an accompaniment: seen when the accompaniment is seen,
    written when the accompaniment may be written."""

    def funnel(user: User, pk: int, *, write: bool = False):
        obj = model.objects.visible_to(user).filter(pk=pk).first()
        if obj is None:
            raise Http404("Élément introuvable.")
        accompaniment = obj
        for part in path.split("__"):
            accompaniment = getattr(accompaniment, part)
        if write and not can_write_accompaniment(user, accompaniment):
            raise PermissionDenied("Vous ne pouvez pas modifier cet accompagnement.")
        return obj

    funnel.__name__ = f"get_{model._meta.model_name}_for_user"
    return funnel


get_session_for_user = case_child_funnel(Session)
get_consent_for_user = case_child_funnel(Consent)
get_synthesis_for_user = case_child_funnel(Synthesis)
get_synthesis_version_for_user = case_child_funnel(SynthesisVersion, "synthesis__accompaniment")
get_experience_for_user = case_child_funnel(Experience)
get_profile_skill_for_user = case_child_funnel(ProfileSkill)
get_piste_for_user = case_child_funnel(Piste)
get_action_step_for_user = case_child_funnel(ActionStep)
get_attendance_for_user = case_child_funnel(Attendance, "session__accompaniment")
get_case_task_for_user = case_child_funnel(CaseTask)
