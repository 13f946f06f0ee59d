"""Permission matrix of every beneficiary view: referent counsellor, colleague of the same centre,
manager, counsellor of another centre, network analyst, anonymous visitor."""

import pytest
from django.urls import reverse

from tests.factories import BeneficiaryFactory, CentreFactory, UserFactory, counsellor, manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    centre, other_centre = CentreFactory(), CentreFactory()
    owner = counsellor(centre)
    beneficiary = BeneficiaryFactory(centre=centre, counsellor=owner)
    return {
        "beneficiary": beneficiary,
        "owner": owner,
        "colleague": counsellor(centre),
        "manager": manager(centre),
        "other_centre": counsellor(other_centre),
        "analyst": UserFactory(is_network_analyst=True),
        "anonymous": None,
    }


# who -> expected status for (detail GET, edit GET, edit POST)
MATRIX = {
    "owner": (200, 200, 302),
    "colleague": (200, 403, 403),
    "manager": (200, 200, 302),
    "other_centre": (404, 404, 404),
    "analyst": (403, 403, 403),  # no centre at all: refused before any lookup
    "anonymous": (302, 302, 302),  # sent to the login page
}


def _client_for(client, world, who):
    if world[who] is not None:
        client.force_login(world[who])
    return client


def _edit_payload(beneficiary):
    return {
        "first_name": beneficiary.first_name,
        "last_name": "Nouveau-Nom",
        "email": beneficiary.email,
        "phone": "",
        "birth_year": 1980,
        "postal_code": "31000",
        "employment_status": "job_seeker",
        "counsellor": beneficiary.counsellor_id,
        "base_version": beneficiary.version,
    }


@pytest.mark.parametrize("who", MATRIX)
def test_detail_view_permissions(client, world, who):
    response = _client_for(client, world, who).get(reverse("web:beneficiary_detail", args=[world["beneficiary"].pk]))
    assert response.status_code == MATRIX[who][0]


@pytest.mark.parametrize("who", MATRIX)
def test_edit_form_permissions(client, world, who):
    response = _client_for(client, world, who).get(reverse("web:beneficiary_edit", args=[world["beneficiary"].pk]))
    assert response.status_code == MATRIX[who][1]


@pytest.mark.parametrize("who", MATRIX)
def test_edit_post_permissions_and_nothing_changes_when_refused(client, world, who):
    beneficiary = world["beneficiary"]
    response = _client_for(client, world, who).post(
        reverse("web:beneficiary_edit", args=[beneficiary.pk]), _edit_payload(beneficiary)
    )
    assert response.status_code == MATRIX[who][2]
    beneficiary.refresh_from_db()
    assert (beneficiary.last_name == "Nouveau-Nom") is (who in {"owner", "manager"})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("manager", 200),
        ("other_centre", 200),
        ("analyst", 403),
        ("anonymous", 302),
    ],
)
def test_list_and_create_views_permissions(client, world, who, status):
    client = _client_for(client, world, who)
    assert client.get(reverse("web:beneficiary_list")).status_code == status
    assert client.get(reverse("web:beneficiary_create")).status_code == status


def test_the_list_never_shows_another_centres_beneficiaries(client, world):
    client.force_login(world["other_centre"])
    response = client.get(reverse("web:beneficiary_list"))
    assert world["beneficiary"].last_name.upper() not in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_a_404_for_another_centre_looks_like_any_missing_page(client, world):
    client.force_login(world["other_centre"])
    response = client.get(reverse("web:beneficiary_detail", args=[world["beneficiary"].pk]))
    assert "Page introuvable" in response.content.decode()
    assert world["beneficiary"].last_name not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 403),
        ("colleague", 403),
        ("manager", 200),
        ("other_centre", 403),
        ("analyst", 403),
        ("anonymous", 302),
    ],
)
def test_audit_log_view_permissions(client, world, who, status):
    assert _client_for(client, world, who).get(reverse("web:audit_log")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("manager", 200),
        ("other_centre", 200),
        ("analyst", 200),
        ("anonymous", 302),
    ],
)
def test_home_view_permissions(client, world, who, status):
    assert _client_for(client, world, who).get(reverse("web:home")).status_code == status
