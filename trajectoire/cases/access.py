"""Access funnels of the cases app: the only way views reach personal data."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from trajectoire.accounts.access import has_centre_wide_write
from trajectoire.accounts.models import User
from trajectoire.cases.models import Beneficiary


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
