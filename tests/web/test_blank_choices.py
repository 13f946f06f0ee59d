"""Selects never show Django's « --------- » empty choice: the new-person form, a case's form and the profile's
experience form say « — choisir — » instead."""

import html as htmllib

from django.urls import reverse

from tests import factories

DJANGO_BLANK = ">---------<"


def test_the_forms_a_counsellor_meets_first_say_choisir_instead_of_dashes(client, db):
    centre = factories.CentreFactory()
    owner = factories.counsellor(centre)
    case = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, counsellor=owner),
        counsellor=owner,
        state="preliminary",
    )
    client.force_login(owner)
    for url in (
        reverse("web:beneficiary_create"),
        reverse("web:case_edit", args=[case.pk]),
        reverse("web:case_profile", args=[case.pk]),
        reverse("web:consent_create", args=[case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = htmllib.unescape(response.content.decode())
        assert DJANGO_BLANK not in page, url
    page = htmllib.unescape(client.get(reverse("web:beneficiary_create")).content.decode())
    assert '<option value="" selected>— choisir —</option>' in page


def test_a_required_choice_left_on_choisir_is_still_refused_in_french(client, db):
    centre = factories.CentreFactory()
    owner = factories.counsellor(centre)
    client.force_login(owner)
    response = client.post(
        reverse("web:beneficiary_create"), {"first_name": "Aïcha", "last_name": "Diallo", "employment_status": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["employment_status"]
