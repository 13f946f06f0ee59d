from ninja import Router, Schema

from trajectoire.accounts.access import memberships_of
from trajectoire.api.errors import error_responses

router = Router(tags=["compte"])


class CentreOut(Schema):
    id: int
    name: str
    siret: str
    role: str
    role_label: str


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    is_network_analyst: bool
    centres: list[CentreOut]


@router.get("/me", response={200: MeOut, **error_responses(401)}, summary="L'utilisateur connecté et ses centres")
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_network_analyst": user.is_network_analyst,
        "centres": [
            {
                "id": m.centre.pk,
                "name": m.centre.name,
                "siret": m.centre.siret,
                "role": m.role,
                "role_label": m.get_role_display(),
            }
            for m in memberships_of(user)
        ],
    }
