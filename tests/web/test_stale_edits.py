"""No lost update on any form (issue 17): a save from a form opened before someone else's save is refused in French,
the user's input stays in the form, the other person's change is shown, nothing is reverted, and the audit log
names only the fields that really changed."""

import threading
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases.errors import StaleEditError
from trajectoire.cases.models import Accompaniment, Beneficiary, Consent, Session, Synthesis
from trajectoire.cases.services import (
    beneficiary_update,
    consent_record,
    consent_sign,
    consent_withdraw,
    session_update,
)
from trajectoire.cases.synthesis import synthesis_save, synthesis_start


@pytest.fixture
def people(db):
    centre = factories.CentreFactory(name="CIBC Démo Occitanie")
    claire = factories.counsellor(centre, first_name="Claire", last_name="Martin")
    karim = factories.manager(centre, first_name="Karim", last_name="Benali")
    beneficiary = factories.BeneficiaryFactory(
        centre=centre,
        first_name="Aïcha",
        last_name="Haddad",
        counsellor=claire,
        phone="05 61 00 00 00",
        postal_code="31200",
    )
    return {"centre": centre, "claire": claire, "karim": karim, "beneficiary": beneficiary}


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _open_form(client, url) -> dict:
    """GET the form and return what a browser would send back unchanged: its initial values and CSRF token."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, datetime):
            shown = timezone.localtime(value) if timezone.is_aware(value) else value
            data[name] = shown.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, date):
            data[name] = value.strftime("%Y-%m-%d")
        else:
            data[name] = value
        if field.disabled:
            data.pop(name)
    data["csrfmiddlewaretoken"] = page.context["csrf_token"]
    return data


# --- Beneficiary ----------------------------------------------------------------------------------------


def test_two_stale_beneficiary_forms_the_second_is_refused_and_nothing_is_reverted(people):
    beneficiary = people["beneficiary"]
    url = reverse("web:beneficiary_edit", args=[beneficiary.pk])
    claire, karim = _client(people["claire"]), _client(people["karim"])
    claire_form, karim_form = _open_form(claire, url), _open_form(karim, url)

    karim_form["phone"] = "06 12 34 56 78"
    assert karim.post(url, karim_form).status_code == 302

    claire_form["postal_code"] = "31400"
    refused = claire.post(url, claire_form)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "a été modifié par quelqu&#x27;un d&#x27;autre" in page
    assert "Entre-temps, Karim Benali a enregistré : téléphone 06 12 34 56 78." in page
    # Claire's input is kept in the form, to save again once she has seen Karim's change.
    assert refused.context["form"]["postal_code"].value() == "31400"
    beneficiary.refresh_from_db()
    assert (beneficiary.phone, beneficiary.postal_code) == ("06 12 34 56 78", "31200")
    assert beneficiary.version == 2
    updates = AuditEvent.objects.filter(action="update", object_type="cases.beneficiary")
    assert [e.fields for e in updates] == [["phone"]]


def test_after_seeing_the_other_change_a_deliberate_second_save_goes_through(people):
    beneficiary = people["beneficiary"]
    url = reverse("web:beneficiary_edit", args=[beneficiary.pk])
    claire, karim = _client(people["claire"]), _client(people["karim"])
    claire_form, karim_form = _open_form(claire, url), _open_form(karim, url)
    karim_form["phone"] = "06 12 34 56 78"
    karim.post(url, karim_form)
    claire_form["postal_code"] = "31400"
    refused = claire.post(url, claire_form)
    # The re-rendered form now carries the current version and Claire's own values; she keeps Karim's phone.
    again = {name: refused.context["form"][name].value() for name in ("base_version", "postal_code")}
    assert again == {"base_version": "2", "postal_code": "31400"}
    claire_form.update(again, phone="06 12 34 56 78", csrfmiddlewaretoken=refused.context["csrf_token"])
    assert claire.post(url, claire_form).status_code == 302
    beneficiary.refresh_from_db()
    assert (beneficiary.phone, beneficiary.postal_code, beneficiary.version) == ("06 12 34 56 78", "31400", 3)


EIGHT_CHANGES = {
    "first_name": "Aïcha-Marie",
    "last_name": "Haddad-Benoît",
    "email": "aicha.haddad@exemple.fr",
    "phone": "06 98 76 54 32",
    "birth_year": 1979,
    "postal_code": "31500",
    "employment_status": "job_seeker",
    "counsellor": None,
}


def _outcome(actor, beneficiary_id, name, value, base_version):
    copy = Beneficiary.objects.get(pk=beneficiary_id)
    try:
        beneficiary_update(actor=actor, beneficiary=copy, data={name: value}, base_version=base_version)
    except StaleEditError:
        return "stale"
    return "ok"


def test_eight_saves_of_different_fields_from_one_version_one_succeeds_seven_are_refused(people):
    beneficiary = people["beneficiary"]
    outcomes = {
        name: _outcome(people["claire"], beneficiary.pk, name, value, beneficiary.version)
        for name, value in EIGHT_CHANGES.items()
    }
    assert sorted(outcomes.values()) == ["ok"] + ["stale"] * 7
    [winner] = [name for name, outcome in outcomes.items() if outcome == "ok"]
    fresh = Beneficiary.objects.get(pk=beneficiary.pk)
    # Exactly the winner's change is in the record: no one believes their change was saved when it was not.
    for name, value in EIGHT_CHANGES.items():
        now = fresh.counsellor if name == "counsellor" else getattr(fresh, name)
        assert (now == value) is (name == winner), name
    updates = AuditEvent.objects.filter(action="update", object_type="cases.beneficiary")
    assert [e.fields for e in updates] == [[winner]]


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_saves_of_one_beneficiary_on_postgresql_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    centre = factories.CentreFactory()
    actor = factories.counsellor(centre)
    beneficiary = factories.BeneficiaryFactory(centre=centre, counsellor=actor, phone="05 61 00 00 00")
    barrier = threading.Barrier(len(EIGHT_CHANGES))
    outcomes = []

    def save(name, value):
        copy = Beneficiary.objects.get(pk=beneficiary.pk)
        barrier.wait()
        try:
            beneficiary_update(actor=actor, beneficiary=copy, data={name: value}, base_version=1)
            outcomes.append("ok")
        except StaleEditError:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=item) for item in EIGHT_CHANGES.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["stale"] * 7
    assert Beneficiary.objects.get(pk=beneficiary.pk).version == 2
    assert AuditEvent.objects.filter(action="update", object_type="cases.beneficiary").count() == 1


def test_an_identical_save_records_nothing_in_the_audit_log(people):
    beneficiary = people["beneficiary"]
    beneficiary_update(
        actor=people["claire"], beneficiary=beneficiary, data={"phone": beneficiary.phone}, base_version=1
    )
    assert not AuditEvent.objects.filter(action="update").exists()
    assert Beneficiary.objects.get(pk=beneficiary.pk).version == 1


# --- Case information -----------------------------------------------------------------------------------


@pytest.fixture
def case(people):
    return factories.AccompanimentFactory(
        beneficiary=people["beneficiary"], counsellor=people["claire"], order_reference="MCF-2026-00001"
    )


def test_two_stale_case_forms_the_second_is_refused_and_nothing_is_reverted(people, case):
    url = reverse("web:case_edit", args=[case.pk])
    claire, karim = _client(people["claire"]), _client(people["karim"])
    claire_form, karim_form = _open_form(claire, url), _open_form(karim, url)
    karim_form["order_reference"] = "MCF-2026-99999"
    assert karim.post(url, karim_form).status_code == 302
    claire_form["planned_hours"] = "20"
    refused = claire.post(url, claire_form)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Entre-temps, Karim Benali a enregistré : référence de la commande MCF-2026-99999." in page
    assert refused.context["form"]["planned_hours"].value() == "20"
    case.refresh_from_db()
    assert (case.order_reference, case.planned_hours) == ("MCF-2026-99999", 24)
    updates = AuditEvent.objects.filter(action="update", object_type="cases.accompaniment")
    assert [e.fields for e in updates] == [["order_reference"]]


def test_eight_saves_of_the_case_from_one_version_one_succeeds(people, case):
    from trajectoire.cases.services import accompaniment_update

    changes = {
        "order_reference": "MCF-1",
        "price_eur": 1500,
        "planned_hours": 20,
        "planned_start": date(2026, 3, 9),
        "planned_end": date(2026, 6, 5),
        "funder": "france_travail",
        "initiated_by": "employer",
        "counsellor": people["karim"],
    }
    outcomes = []
    for name, value in changes.items():
        copy = Accompaniment.objects.get(pk=case.pk)
        try:
            accompaniment_update(actor=people["claire"], accompaniment=copy, data={name: value}, base_version=1)
            outcomes.append("ok")
        except StaleEditError:
            outcomes.append("stale")
    assert sorted(outcomes) == ["ok"] + ["stale"] * 7
    assert Accompaniment.objects.get(pk=case.pk).order_reference == "MCF-1"
    assert AuditEvent.objects.filter(action="update", object_type="cases.accompaniment").count() == 1


# --- Consents -------------------------------------------------------------------------------------------


def test_a_consent_action_from_a_page_shown_before_another_save_is_refused(people, case):
    consent = consent_record(
        actor=people["claire"], accompaniment=case, data={"kind": "tripartite", "sent_on": date(2026, 2, 20)}
    )
    shown_at = consent.version
    # Someone saves the consent in between (here: a signature recorded then corrected by the manager).
    Consent.objects.filter(pk=consent.pk).update(version=F("version") + 1)
    with pytest.raises(StaleEditError, match="modifié par quelqu'un d'autre"):
        consent_sign(actor=people["claire"], consent=consent, on=date(2026, 2, 25), base_version=shown_at)
    consent.refresh_from_db()
    assert consent.given_on is None


def test_two_people_signing_the_same_consent_the_second_is_told_and_nothing_changes(people, case):
    consent = consent_record(
        actor=people["claire"], accompaniment=case, data={"kind": "tripartite", "sent_on": date(2026, 2, 20)}
    )
    detail = reverse("web:case_detail", args=[case.pk])
    sign = reverse("web:consent_sign", args=[case.pk, consent.pk])
    claire, karim = _client(people["claire"]), _client(people["karim"])
    claire_token = claire.get(detail).context["csrf_token"]
    karim_token = karim.get(detail).context["csrf_token"]
    karim.post(sign, {"on": "2026-02-25", "base_version": 1, "csrfmiddlewaretoken": karim_token})
    page = claire.post(
        sign, {"on": "2026-02-27", "base_version": 1, "csrfmiddlewaretoken": claire_token}, follow=True
    ).content.decode()
    assert "déjà enregistré comme donné" in page
    consent.refresh_from_db()
    assert (consent.given_on, consent.version) == (date(2026, 2, 25), 2)
    assert AuditEvent.objects.filter(action="update", object_type="cases.consent").count() == 1


def test_a_withdrawal_from_a_stale_page_is_refused_with_who_changed_what(people, case):
    consent = consent_record(
        actor=people["claire"], accompaniment=case, data={"kind": "data_processing", "given_on": date(2026, 3, 2)}
    )
    consent_withdraw(actor=people["karim"], consent=consent, on=date(2026, 3, 9), base_version=1)
    # Karim's withdrawal is undone by nobody: Claire's page, shown at version 1, sends her own withdrawal.
    client = _client(people["claire"])
    token = client.get(reverse("web:case_detail", args=[case.pk])).context["csrf_token"]
    page = client.post(
        reverse("web:consent_withdraw", args=[case.pk, consent.pk]),
        {"on": "2026-03-10", "base_version": 1, "csrfmiddlewaretoken": token},
        follow=True,
    ).content.decode()
    assert "déjà été retiré le 09/03/2026" in page
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 3, 9)


# --- Sessions and synthesis (now on the shared mechanism) -----------------------------------------------


def test_two_stale_session_saves_the_second_is_refused(people, case):
    Accompaniment.objects.filter(pk=case.pk).update(state="preliminary")
    session = factories.SessionFactory(accompaniment=Accompaniment.objects.get(pk=case.pk), shared_notes="")
    session_update(actor=people["claire"], session=session, data={"shared_notes": "Projet : soins"}, base_version=1)
    stale = Session.objects.get(pk=session.pk)
    with pytest.raises(StaleEditError):
        session_update(actor=people["karim"], session=stale, data={"mode": "remote"}, base_version=1)
    stale.refresh_from_db()
    assert (stale.shared_notes, stale.mode, stale.version) == ("Projet : soins", "on_site", 2)


def test_six_saves_of_different_session_fields_from_one_version_one_succeeds(people, case):
    Accompaniment.objects.filter(pk=case.pk).update(state="conclusion")
    session = factories.SessionFactory(accompaniment=Accompaniment.objects.get(pk=case.pk))
    changes = {
        "starts_at": datetime(2026, 3, 4, 14, tzinfo=UTC),
        "duration_minutes": 90,
        "mode": "remote",
        "phase": "investigation",
        "shared_notes": "Enquêtes métiers à mener",
        "private_notes": "Fatigue marquée",
    }
    outcomes = []
    for name, value in changes.items():
        copy = Session.objects.get(pk=session.pk)
        try:
            session_update(actor=people["claire"], session=copy, data={name: value}, base_version=1)
            outcomes.append("ok")
        except StaleEditError:
            outcomes.append("stale")
    assert sorted(outcomes) == ["ok"] + ["stale"] * 5
    assert AuditEvent.objects.filter(action="update", object_type="cases.session").count() == 1


def test_four_saves_of_different_synthesis_sections_from_one_version_one_succeeds(people, case):
    Accompaniment.objects.filter(pk=case.pk).update(state="conclusion")
    synthesis = synthesis_start(actor=people["claire"], accompaniment=Accompaniment.objects.get(pk=case.pk))
    outcomes = []
    for name in Synthesis.SECTIONS:
        copy = Synthesis.objects.get(pk=synthesis.pk)
        data = {section: getattr(copy, section) for section in Synthesis.SECTIONS}
        data[name] = f"Réécrit par la personne : {name}"
        try:
            synthesis_save(actor=people["claire"], synthesis=copy, data=data, base_version=1)
            outcomes.append("ok")
        except StaleEditError:
            outcomes.append("stale")
    assert sorted(outcomes) == ["ok"] + ["stale"] * 3
    synthesis.refresh_from_db()
    assert synthesis.version == 2
    assert synthesis.versions.count() == 2
    [event] = AuditEvent.objects.filter(action="update", object_type="cases.synthesis")
    assert event.fields == ["circumstances"]


def test_two_stale_session_forms_the_second_is_told_what_changed(people, case):
    Accompaniment.objects.filter(pk=case.pk).update(state="preliminary")
    session = factories.SessionFactory(accompaniment=Accompaniment.objects.get(pk=case.pk))
    url = reverse("web:session_edit", args=[case.pk, session.pk])
    claire, karim = _client(people["claire"]), _client(people["karim"])
    claire_form, karim_form = _open_form(claire, url), _open_form(karim, url)
    karim_form["shared_notes"] = "Projet : aide-soignante en EHPAD"
    assert karim.post(url, karim_form).status_code == 302
    claire_form["mode"] = "remote"
    refused = claire.post(url, claire_form)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Entre-temps, Karim Benali a enregistré : notes partagées avec la personne Projet : aide-soignante" in page
    assert refused.context["form"]["mode"].value() == "remote"
    session.refresh_from_db()
    assert (session.mode, session.shared_notes) == ("on_site", "Projet : aide-soignante en EHPAD")


def test_two_stale_synthesis_forms_the_second_is_told_what_changed(people, case):
    Accompaniment.objects.filter(pk=case.pk).update(state="conclusion")
    synthesis_start(actor=people["claire"], accompaniment=Accompaniment.objects.get(pk=case.pk))
    url = reverse("web:synthesis_edit", args=[case.pk])
    claire, karim = _client(people["claire"]), _client(people["karim"])
    claire_form, karim_form = _open_form(claire, url), _open_form(karim, url)
    karim_form["projects"] = "Projet retenu : aide-soignante (J1501)."
    assert karim.post(url, karim_form).status_code == 302
    claire_form["steps"] = "1. Immersion en EHPAD."
    refused = claire.post(url, claire_form)
    page = refused.content.decode()
    assert (
        "Entre-temps, Karim Benali a enregistré : projet(s), facteurs favorables et défavorables Projet retenu" in page
    )
    assert refused.context["form"]["steps"].value() == "1. Immersion en EHPAD."
    synthesis = Synthesis.objects.get(accompaniment=case)
    assert (synthesis.version, synthesis.projects) == (2, "Projet retenu : aide-soignante (J1501).")


def test_the_notice_writes_amounts_and_people_as_french_readers_expect(people, case):
    from decimal import Decimal

    from trajectoire.cases.services import accompaniment_update
    from trajectoire.web.stale import stale_notice

    accompaniment_update(
        actor=people["karim"],
        accompaniment=case,
        data={"price_eur": Decimal("1500.00"), "counsellor": people["karim"]},
        base_version=1,
    )
    notice = stale_notice(case, base_version=1, fields=["counsellor", "price_eur", "planned_hours"])
    assert notice == (
        "Entre-temps, Karim Benali a enregistré : conseiller référent Karim Benali ; prix (€ TTC) 1\u202f500,00\xa0€."
    )


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_saves_of_one_case_on_postgresql_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    from trajectoire.cases.services import accompaniment_update

    case = factories.AccompanimentFactory()
    changes = {
        "order_reference": "MCF-1",
        "price_eur": 1500,
        "planned_hours": 20,
        "planned_start": date(2026, 3, 9),
        "planned_end": date(2026, 6, 5),
        "funder": "france_travail",
        "initiated_by": "employer",
        "counsellor": factories.manager(case.centre),
    }
    barrier = threading.Barrier(len(changes))
    outcomes = []

    def save(name, value):
        copy = Accompaniment.objects.get(pk=case.pk)
        barrier.wait()
        try:
            accompaniment_update(actor=case.counsellor, accompaniment=copy, data={name: value}, base_version=1)
            outcomes.append("ok")
        except StaleEditError:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=item) for item in changes.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["stale"] * 7
    assert Accompaniment.objects.get(pk=case.pk).version == 2
    assert AuditEvent.objects.filter(action="update", object_type="cases.accompaniment").count() == 1
