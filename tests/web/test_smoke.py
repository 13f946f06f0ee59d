import pytest
from django.urls import reverse

from tests.factories import PASSWORD, BeneficiaryFactory, CentreFactory, counsellor


@pytest.mark.django_db
def test_a_counsellor_logs_in_and_sees_their_beneficiaries(client):
    centre = CentreFactory()
    user = counsellor(centre)
    BeneficiaryFactory(centre=centre, counsellor=user, last_name="Lefèvre")
    response = client.post(reverse("web:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("web:home"))
    assert "Lefèvre".upper() in page.content.decode()
