"""Access funnels of the cases app: the only way views reach personal data.

Each funnel records the read (a VIEW row naming the object and its person) or the refusal (a DENIED row) in the
audit log: views never record reads themselves (trajectoire/accounts/audit.py).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from trajectoire.accounts.access import has_centre_wide_write
from trajectoire.accounts.audit import audit_denied, audit_view
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
        audit_denied(user, model=Beneficiary, pk=pk)
        raise Http404("Bénéficiaire introuvable.")
    if write and not can_write_beneficiary(user, beneficiary):
        audit_denied(user, model=Beneficiary, pk=pk, obj=beneficiary)
        raise PermissionDenied(
            "Seuls le conseiller référent et les responsables du centre peuvent modifier ce dossier."
        )
    audit_view(user, beneficiary, beneficiary_id=beneficiary.pk, centre_id=beneficiary.centre_id)
    return beneficiary


def is_case_counsellor(user: User, accompaniment: Accompaniment) -> bool:
    return accompaniment.counsellor_id == user.pk or accompaniment.co_counsellors.filter(pk=user.pk).exists()


def can_write_accompaniment(user: User, accompaniment: Accompaniment) -> bool:
    return is_case_counsellor(user, accompaniment) or has_centre_wide_write(user, accompaniment.centre_id)


def can_edit_case_content(user: User, accompaniment: Accompaniment) -> bool:
    """Whether the pages offer write forms (sessions, information, consents to record or sign, profile, pistes,
    plan, synthesis): only while the case is open. A closed or abandoned case is read-only except the
    follow-up interview, the withdrawal of a consent and, for managers, reopening."""
    return accompaniment.is_open and can_write_accompaniment(user, accompaniment)


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
        audit_denied(user, model=Accompaniment, pk=pk)
        raise Http404("Accompagnement introuvable.")
    if write and not can_write_accompaniment(user, accompaniment):
        audit_denied(user, model=Accompaniment, pk=pk, obj=accompaniment)
        raise PermissionDenied("Seuls les conseillers de ce bilan et les responsables du centre peuvent le modifier.")
    audit_view(user, accompaniment, beneficiary_id=accompaniment.beneficiary_id, centre_id=accompaniment.centre_id)
    return accompaniment


def case_child_funnel(model, path: str = "accompaniment"):
    """Funnel of a model that hangs off an accompaniment: seen when the accompaniment is seen,
    written when the accompaniment may be written."""

    def funnel(user: User, pk: int, *, write: bool = False):
        obj = model.objects.visible_to(user).filter(pk=pk).first()
        if obj is None:
            audit_denied(user, model=model, pk=pk)
            raise Http404("Élément introuvable.")
        accompaniment = obj
        for part in path.split("__"):
            accompaniment = getattr(accompaniment, part)
        if write and not can_write_accompaniment(user, accompaniment):
            audit_denied(user, model=model, pk=pk, obj=obj)
            raise PermissionDenied("Vous ne pouvez pas modifier cet accompagnement.")
        audit_view(user, obj, beneficiary_id=accompaniment.beneficiary_id, centre_id=accompaniment.centre_id)
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
