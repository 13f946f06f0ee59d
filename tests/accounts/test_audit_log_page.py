"""The centre's audit log page: in French, naming the person, filtered, never showing another centre."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import AccompanimentFactory, BeneficiaryFactory, CentreFactory, counsellor, manager
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import AuditEvent
from trajectoire.accounts.services import audit_record
from trajectoire.funding.services import scheme_evaluation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_centres():
    a, b = CentreFactory(name="CIBC Démo Occitanie"), CentreFactory(name="CIBC Démo Bretagne")
    owner_a, owner_b = counsellor(a, first_name="Claire", last_name="Martin"), counsellor(b, last_name="Le Goff")
    case_a = AccompanimentFactory(
        beneficiary=BeneficiaryFactory(centre=a, first_name="Aïcha", last_name="Diallo", counsellor=owner_a),
        counsellor=owner_a,
    )
    case_b = AccompanimentFactory(
        beneficiary=BeneficiaryFactory(centre=b, first_name="Erwan", last_name="Kerjean", counsellor=owner_b),
        counsellor=owner_b,
    )
    return {"a": a, "b": b, "case_a": case_a, "case_b": case_b, "owner_a": owner_a, "owner_b": owner_b}


def _table(response) -> str:
    return response.content.decode().split("<tbody>", 1)[1]


def _journal(client, world, **params):
    client.force_login(manager(world["a"], first_name="Nadia", last_name="Roux"))
    response = client.get(reverse("web:audit_log"), params)
    assert response.status_code == 200
    return response


def test_the_manager_of_a_centre_never_sees_another_centre_s_events(client, two_centres):
    w = two_centres
    audit_record(actor=w["owner_a"], action=AuditAction.VIEW, obj=w["case_a"], centre_id=w["a"].pk)
    audit_record(actor=w["owner_b"], action=AuditAction.VIEW, obj=w["case_b"], centre_id=w["b"].pk)
    audit_record(actor=w["owner_b"], action=AuditAction.DENIED, obj=w["case_b"], centre_id=w["b"].pk)
    for params in ({}, {"person": str(w["case_b"].beneficiary_id)}, {"person": "Kerjean"}, {"security": "on"}):
        response = _journal(client, w, **params)
        events = [row["event"] for row in response.context["rows"]]
        assert all(event.centre_id == w["a"].pk for event in events), params
        table = _table(response)
        assert "Kerjean" not in table
        assert "Le Goff" not in table
    assert len(_journal(client, w).context["rows"]) == 1


def test_kinds_of_object_and_fields_read_in_french_with_the_person_named_and_a_link(client, two_centres):
    w = two_centres
    case = w["case_a"]
    audit_record(
        actor=w["owner_a"], action=AuditAction.UPDATE, obj=case, centre_id=w["a"].pk, fields=["state", "planned_end"]
    )
    record = scheme_evaluation_create(
        actor=w["owner_a"], accompaniment=case, facts={"status": "salarie_prive"}, on=date(2026, 3, 2)
    )
    page = _table(_journal(client, w))
    assert "accompagnement n°" in page
    assert "évaluation des pistes de financement" in page
    assert "fin prévue, étape" in page
    assert "cases.accompaniment" not in page
    assert "funding.schemeevaluation" not in page
    assert ">state<" not in page and "state," not in page
    assert "Aïcha Diallo" in page
    assert reverse("web:case_detail", args=[case.pk]) in page
    assert reverse("web:case_funding_evaluation", args=[case.pk, record.pk]) in page


def test_a_field_without_a_french_name_is_never_shown_as_its_code(client, two_centres):
    w = two_centres
    rows = _journal(client, w).context["rows"]
    assert rows == []
    audit_record(actor=w["owner_a"], action=AuditAction.UPDATE, obj=w["case_a"], centre_id=w["a"].pk, fields=["state"])
    (row,) = _journal(client, w).context["rows"]
    assert row["kind"] == "accompagnement"
    assert row["fields"] == ["étape"]


def test_a_destroyed_file_is_named_dossier_detruit_and_has_no_link(client, two_centres):
    w = two_centres
    gone = BeneficiaryFactory(centre=w["a"], last_name="Effacé")
    audit_record(actor=w["owner_a"], action=AuditAction.VIEW, obj=gone, centre_id=w["a"].pk)
    gone_id = gone.pk
    gone.delete()
    (row,) = _journal(client, w).context["rows"]
    assert row["person"] == "dossier détruit"
    assert row["person_id"] == gone_id
    assert row["link"] == ""
    assert "Effacé" not in _journal(client, w).content.decode()


def test_the_log_is_filtered_by_person_by_kind_of_object_and_by_action(client, two_centres):
    w = two_centres
    other = BeneficiaryFactory(centre=w["a"], first_name="Julie", last_name="Carpentier")
    audit_record(actor=w["owner_a"], action=AuditAction.VIEW, obj=w["case_a"], centre_id=w["a"].pk)
    audit_record(actor=w["owner_a"], action=AuditAction.VIEW, obj=other, centre_id=w["a"].pk)
    audit_record(actor=w["owner_a"], action=AuditAction.UPDATE, obj=other, centre_id=w["a"].pk, fields=["phone"])

    def shown(**params):
        return [(r["event"].object_type, r["event"].action) for r in _journal(client, w, **params).context["rows"]]

    assert shown(person="carpentier") == [("cases.beneficiary", "update"), ("cases.beneficiary", "view")]
    assert shown(person=str(w["case_a"].beneficiary_id)) == [("cases.accompaniment", "view")]
    assert shown(object_type="cases.accompaniment") == [("cases.accompaniment", "view")]
    assert shown(action="update") == [("cases.beneficiary", "update")]
    choices = dict(_journal(client, w).context["form"].fields["object_type"].choices)
    assert choices["cases.beneficiary"] == "bénéficiaire"


def test_security_events_are_filtered_together_and_show_the_address(client, two_centres):
    w = two_centres
    audit_record(actor=w["owner_a"], action=AuditAction.VIEW, obj=w["case_a"], centre_id=w["a"].pk, ip="192.0.2.1")
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, obj=w["owner_a"], centre_id=w["a"].pk, ip="203.0.113.50")
    audit_record(
        actor=w["owner_b"], action=AuditAction.DENIED, obj=w["case_a"], centre_id=w["a"].pk, ip="198.51.100.2"
    )
    response = _journal(client, w, security="on")
    assert sorted(r["event"].action for r in response.context["rows"]) == ["denied", "login_failed"]
    page = response.content.decode()
    assert "adresse IP 203.0.113.50" in page
    assert "échec de connexion" in page
    assert "accès refusé" in page
    everything = _journal(client, w).content.decode()
    assert "192.0.2.1" not in everything  # addresses of ordinary reads are kept but not displayed


def test_lists_say_how_many_people_were_shown(client, two_centres):
    w = two_centres
    audit_record(
        actor=w["owner_a"],
        action=AuditAction.LIST,
        obj=None,
        object_type="cases.beneficiary",
        centre_id=w["a"].pk,
        fields=["q"],
        shown_count=12,
    )
    page = _journal(client, w).content.decode()
    assert "12\u00a0personnes affichées" in page
    assert "recherche" in page


def test_the_log_is_paginated_and_pages_keep_the_filters(client, two_centres):
    w = two_centres
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor_label="Claire Martin",
            centre=w["a"],
            action=AuditAction.VIEW,
            object_type="cases.accompaniment",
            object_id=str(w["case_a"].pk),
            beneficiary_id=w["case_a"].beneficiary_id,
        )
        for _ in range(60)
    )
    response = _journal(client, w, action="view")
    assert len(response.context["rows"]) == 50
    assert "?action=view&amp;page=2" in response.content.decode()
    assert len(_journal(client, w, action="view", page="2").context["rows"]) == 10
