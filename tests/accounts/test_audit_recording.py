"""Reads and refusals are recorded by the funnels and the list helper, not by each view."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client
from django.urls import reverse

from tests.conftest import login_as
from tests.factories import PASSWORD, BeneficiaryFactory
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases.access import get_accompaniment_for_user
from trajectoire.cases.models import Synthesis

pytestmark = pytest.mark.django_db


def test_opening_a_case_records_one_view_naming_the_case_and_its_person(client, case_world):
    case = case_world["case"]
    login_as(client, case_world, "owner")
    assert client.get(reverse("web:case_detail", args=[case.pk]), REMOTE_ADDR="203.0.113.7").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.object_type, event.object_id) == ("cases.accompaniment", str(case.pk))
    assert event.beneficiary_id == case.beneficiary_id
    assert event.centre_id == case.centre_id
    assert event.actor == case_world["owner"]
    assert event.ip_address == "203.0.113.7"


def test_a_page_going_through_a_funnel_twice_records_one_row_per_object(client, case_world):
    case = case_world["case"]
    login_as(client, case_world, "owner")
    client.get(reverse("web:synthesis_edit", args=[case.pk]))  # two funnel calls of the same case
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="cases.accompaniment").count() == 1


def test_another_centre_asking_for_a_case_gets_404_and_a_denied_row_in_the_case_centre(client, case_world):
    case = case_world["case"]
    login_as(client, case_world, "other_centre")
    assert client.get(reverse("web:case_detail", args=[case.pk]), REMOTE_ADDR="198.51.100.4").status_code == 404
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.DENIED
    assert (event.object_type, event.object_id) == ("cases.accompaniment", str(case.pk))
    assert event.centre_id == case.centre_id
    assert event.beneficiary_id == case.beneficiary_id
    assert event.actor == case_world["other_centre"]
    assert event.ip_address == "198.51.100.4"


def test_a_read_only_colleague_asking_to_write_gets_403_and_a_denied_row(client, case_world):
    beneficiary = case_world["case"].beneficiary
    login_as(client, case_world, "colleague")
    assert client.get(reverse("web:beneficiary_edit", args=[beneficiary.pk])).status_code == 403
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.beneficiary_id) == (
        AuditAction.DENIED,
        "cases.beneficiary",
        beneficiary.pk,
    )


def test_a_role_gate_refusal_is_recorded_as_a_denied_page(client, case_world):
    login_as(client, case_world, "owner")
    assert client.get(reverse("web:audit_log")).status_code == 403
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (AuditAction.DENIED, "page", "/centre/journal/")
    assert event.centre_id == case_world["case"].centre_id


def test_a_post_that_redirects_after_a_write_records_the_write_not_a_view(client, case_world):
    case = case_world["case"]
    login_as(client, case_world, "owner")
    response = client.post(reverse("web:synthesis_edit", args=[case.pk]), {"action": "start"})
    assert response.status_code == 302
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [AuditAction.CREATE]


def test_the_list_of_beneficiaries_records_how_many_people_were_shown_never_the_search(client, case_world):
    centre = case_world["case"].centre
    for name in ("Carpentier", "Carpentras", "Lambert"):
        BeneficiaryFactory(centre=centre, last_name=name)
    login_as(client, case_world, "owner")
    client.get(reverse("web:beneficiary_list"), {"q": "carpent"})
    event = AuditEvent.objects.get(action=AuditAction.LIST)
    assert (event.object_type, event.shown_count, event.fields) == ("cases.beneficiary", 2, ["q"])
    stored = " ".join(str(v) for v in AuditEvent.objects.values().get().values())
    assert "carpent" not in stored.lower()


def test_the_home_page_records_each_kind_of_list_once(client, case_world):
    login_as(client, case_world, "owner")
    client.get(reverse("web:home"))
    rows = AuditEvent.objects.filter(action=AuditAction.LIST)
    kinds = sorted(rows.values_list("object_type", flat=True))
    assert kinds == sorted(set(kinds))
    assert rows.get(object_type="cases.accompaniment").shown_count == 1


def test_a_funnel_used_outside_a_request_records_its_read_at_once(case_world):
    case = case_world["case"]
    get_accompaniment_for_user(case_world["manager"], case.pk)
    event = AuditEvent.objects.get()
    assert (event.action, event.beneficiary_id, event.ip_address) == (AuditAction.VIEW, case.beneficiary_id, None)


def test_a_failed_login_is_recorded_for_the_account_s_centre_without_the_password(case_world):
    owner = case_world["owner"]
    client = Client(enforce_csrf_checks=False)
    client.post(reverse("web:login"), {"username": owner.email, "password": "pas-le-bon-123"}, REMOTE_ADDR="192.0.2.9")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.centre_id == case_world["case"].centre_id
    assert event.ip_address == "192.0.2.9"
    assert owner.email in event.actor_label
    assert event.actor is None
    stored = " ".join(str(v) for v in AuditEvent.objects.values().get().values())
    assert "pas-le-bon" not in stored
    assert PASSWORD not in stored


def test_a_failed_login_on_an_unknown_address_keeps_nothing_typed(db):
    Client().post(reverse("web:login"), {"username": "mon-mot-de-passe@x.fr", "password": "secret-123"})
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.centre_id is None
    assert event.actor_label == "adresse inconnue"
    assert "mon-mot-de-passe" not in " ".join(str(v) for v in AuditEvent.objects.values().get().values())


def test_opening_the_synthesis_page_of_a_case_without_one_writes_nothing_and_offers_to_start(client, case_world):
    case = case_world["case"]
    login_as(client, case_world, "owner")
    response = client.get(reverse("web:synthesis_edit", args=[case.pk]))
    assert response.status_code == 200
    assert "Commencer la synthèse" in response.content.decode()
    assert not Synthesis.objects.filter(accompaniment=case).exists()
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {AuditAction.VIEW}


def test_starting_the_synthesis_is_a_post_with_a_real_csrf_token(case_world):
    case = case_world["case"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(case_world["owner"])
    page = client.get(reverse("web:synthesis_edit", args=[case.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        reverse("web:synthesis_edit", args=[case.pk]), {"action": "start", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    synthesis = Synthesis.objects.get(accompaniment=case)
    assert synthesis.versions.count() == 1
    again = client.post(
        reverse("web:synthesis_edit", args=[case.pk]), {"action": "start", "csrfmiddlewaretoken": token}
    )
    assert again.status_code == 302
    assert Synthesis.objects.filter(accompaniment=case).count() == 1


def test_the_manager_may_start_the_synthesis_a_colleague_off_the_case_may_not(client, case_world):
    case = case_world["case"]
    login_as(client, case_world, "manager")
    assert "Commencer la synthèse" in client.get(reverse("web:synthesis_edit", args=[case.pk])).content.decode()
    login_as(client, case_world, "colleague")
    response = client.post(reverse("web:synthesis_edit", args=[case.pk]), {"action": "start"})
    assert response.status_code == 404
    assert not Synthesis.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, object_id=str(case.pk)).exists()


def test_an_anonymous_refusal_names_the_visitor_as_such(case_world):
    with pytest.raises(Http404):
        get_accompaniment_for_user(AnonymousUser(), case_world["case"].pk)
    assert AuditEvent.objects.get().actor_label == "visiteur non connecté"
