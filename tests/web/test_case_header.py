"""The hours meter at the top of every case page keeps « 24 h » and « C. trav. » together on one line."""

import html as htmllib

from django.urls import reverse

from tests import factories

NBSP = "\u00a0"


def test_the_legal_ceiling_never_breaks_between_24_and_h(client, db):
    centre = factories.CentreFactory()
    owner = factories.counsellor(centre)
    case = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, counsellor=owner), counsellor=owner
    )
    client.force_login(owner)
    page = htmllib.unescape(client.get(reverse("web:case_detail", args=[case.pk])).content.decode())
    assert f"plafond légal 24{NBSP}h (C.{NBSP}trav. L6313-4)" in page
    assert f'aria-label="Sur 24{NBSP}h : ' in page
    assert "24 h" not in page
