"""The bilan pages through the Django test client, with their permission matrix."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.conftest import login_as
from tests.factories import AccompanimentFactory, BeneficiaryFactory, CentreFactory
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases.models import Accompaniment, CaseTransition, Consent, Session
from trajectoire.cases.services import consent_record, session_create
from trajectoire.cases.synthesis import synthesis_start, synthesis_validate
from trajectoire.cases.workflow import accompaniment_start

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def world(case_world):
    return case_world


def _as(client, world, who):
    return login_as(client, world, who)


def _start(case):
    consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 3, 2)}
    )
    accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))


# who -> (read pages, write pages): status codes
MATRIX = {
    "owner": (200, 200),
    "manager": (200, 200),
    "colleague": (404, 404),  # professional secrecy: a colleague not on the case does not see it
    "other_centre": (404, 404),
    "analyst": (403, 403),
    "anonymous": (302, 302),
}
READ_PAGES = ["case_detail", "synthesis_pdf"]
WRITE_PAGES = ["case_edit", "session_create", "consent_create"]


@pytest.mark.parametrize("who", MATRIX)
@pytest.mark.parametrize("page", READ_PAGES)
def test_read_pages_permissions(client, world, who, page):
    case = world["case"]
    synthesis_start(actor=case.counsellor, accompaniment=case)
    response = _as(client, world, who).get(reverse(f"web:{page}", args=[case.pk]))
    assert response.status_code == MATRIX[who][0]


@pytest.mark.parametrize("who", MATRIX)
@pytest.mark.parametrize("page", WRITE_PAGES)
def test_write_pages_permissions(client, world, who, page):
    case = world["case"]
    _start(case)
    response = _as(client, world, who).get(reverse(f"web:{page}", args=[case.pk]))
    assert response.status_code == MATRIX[who][1]


@pytest.mark.parametrize("who", MATRIX)
def test_workflow_moves_permissions_and_nothing_moves_when_refused(client, world, who):
    case = world["case"]
    consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 1, 5)}
    )
    response = _as(client, world, who).post(reverse("web:case_move", args=[case.pk, "start"]))
    expected = {"owner": 302, "manager": 302}.get(who, MATRIX[who][1])
    assert response.status_code == expected
    case.refresh_from_db()
    assert (case.state == "preliminary") is (who in {"owner", "manager"})


@pytest.mark.parametrize("who", ["owner", "manager", "colleague", "other_centre", "analyst"])
def test_creating_a_case_needs_write_access_to_the_beneficiary(client, world, who):
    beneficiary = world["case"].beneficiary
    response = _as(client, world, who).get(reverse("web:case_create", args=[beneficiary.pk]))
    assert response.status_code == {"owner": 200, "manager": 200, "colleague": 403, "other_centre": 404}.get(who, 403)


def test_private_notes_are_shown_to_the_case_counsellor_but_not_to_the_manager(client, world):
    case = world["case"]
    _start(case)
    session_create(
        actor=case.counsellor,
        accompaniment=case,
        data={
            "starts_at": datetime(2026, 3, 3, 9, tzinfo=PARIS),
            "duration_minutes": 90,
            "phase": "preliminary",
            "shared_notes": "Projet : soins infirmiers",
            "private_notes": "Fatigue marquée, à surveiller",
        },
    )
    client.force_login(world["owner"])
    assert "Fatigue marquée" in client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    client.force_login(world["manager"])
    content = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Projet : soins infirmiers" in content
    assert "Fatigue marquée" not in content


def test_a_counsellor_creates_a_bilan_and_starting_it_without_consent_shows_why(client, world):
    beneficiary = world["case"].beneficiary
    client.force_login(world["owner"])
    response = client.post(
        reverse("web:case_create", args=[beneficiary.pk]),
        {
            "counsellor": world["owner"].pk,
            "initiated_by": "beneficiary",
            "funder": "cpf",
            "order_reference": "MCF-1",
            "price_eur": "1600",
            "planned_hours": "24",
            "planned_start": "2026-03-02",
            "planned_end": "2026-05-29",
        },
    )
    case = Accompaniment.objects.exclude(pk=world["case"].pk).get()
    assert response.url == reverse("web:case_detail", args=[case.pk])
    page = client.post(reverse("web:case_move", args=[case.pk, "start"]), follow=True).content.decode()
    assert "consentement de la personne" in page
    assert not CaseTransition.objects.filter(accompaniment=case).exists()


def test_planned_hours_above_24_are_refused_next_to_the_field(client, world):
    client.force_login(world["owner"])
    response = client.post(
        reverse("web:case_create", args=[world["case"].beneficiary.pk]),
        {"counsellor": world["owner"].pk, "initiated_by": "beneficiary", "funder": "cpf", "planned_hours": "30"},
    )
    assert "24 heures au plus" in " ".join(response.context["form"].errors["planned_hours"])


def test_a_session_past_24_hours_is_refused_next_to_the_duration_and_the_notes_are_kept(client, world):
    case = world["case"]
    _start(case)
    for day in range(3, 8):
        session_create(
            actor=case.counsellor,
            accompaniment=case,
            data={
                "starts_at": datetime(2026, 3, day, 9, tzinfo=PARIS),
                "duration_minutes": 270,
                "phase": "preliminary",
            },
        )
    client.force_login(world["owner"])
    response = client.post(
        reverse("web:session_create", args=[case.pk]),
        {
            "starts_at": "2026-03-10T09:00",
            "duration_minutes": "120",
            "mode": "on_site",
            "phase": "preliminary",
            "shared_notes": "Un texte long que je ne veux pas perdre",
            "private_notes": "",
        },
    )
    assert response.status_code == 200
    assert "plafond légal de 24 heures" in " ".join(response.context["form"].errors["duration_minutes"])
    assert "Un texte long que je ne veux pas perdre" in response.content.decode()
    assert Session.objects.count() == 5


def test_a_concurrent_session_edit_is_refused_and_the_users_text_is_kept(client, world):
    case = world["case"]
    _start(case)
    session = session_create(
        actor=case.counsellor,
        accompaniment=case,
        data={"starts_at": datetime(2026, 3, 3, 9, tzinfo=PARIS), "duration_minutes": 60, "phase": "preliminary"},
    )
    Session.objects.filter(pk=session.pk).update(version=2, shared_notes="Version d'un collègue")
    client.force_login(world["owner"])
    response = client.post(
        reverse("web:session_edit", args=[case.pk, session.pk]),
        {
            "starts_at": "2026-03-03T09:00",
            "duration_minutes": "60",
            "mode": "on_site",
            "phase": "preliminary",
            "shared_notes": "Mon texte à moi",
            "private_notes": "",
            "base_version": "1",
        },
    )
    assert response.status_code == 200
    assert "modifié par quelqu'un d'autre" in " ".join(response.context["form"].non_field_errors())
    assert "Mon texte à moi" in response.content.decode()
    session.refresh_from_db()
    assert session.shared_notes == "Version d'un collègue"


def test_a_concurrent_synthesis_edit_is_refused_and_the_text_kept(client, world):
    case = world["case"]
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    client.force_login(world["owner"])
    data = {"circumstances": "Texte A", "skills": "", "projects": "", "steps": "", "base_version": "1"}
    assert client.post(reverse("web:synthesis_edit", args=[case.pk]), data).status_code == 302
    data["circumstances"] = "Texte B, écrit en parallèle"
    response = client.post(reverse("web:synthesis_edit", args=[case.pk]), data)
    assert "modifiée par quelqu'un d'autre" in " ".join(response.context["form"].non_field_errors())
    assert "Texte B, écrit en parallèle" in response.content.decode()
    synthesis.refresh_from_db()
    assert (synthesis.version, synthesis.circumstances) == (2, "Texte A")


def test_the_synthesis_pdf_is_a4_with_the_letterhead_page_numbers_and_selectable_text(client, world):
    case = world["case"]
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    synthesis.projects = "Devenir infirmière en soins généraux. " * 80
    synthesis.save()
    client.force_login(world["owner"])
    response = client.get(reverse("web:synthesis_pdf", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    first = reader.pages[0].extract_text()
    assert "CIBC Démo Occitanie" in first
    assert "Document de synthèse du bilan de compétences" in first
    assert "Sandrine LEFÈVRE" in first
    assert f"Page 1 sur {len(reader.pages)}" in first
    assert len(reader.pages) >= 2
    assert AuditEvent.objects.filter(action="export", object_type="cases.synthesis").exists()


def test_sharing_the_synthesis_needs_an_active_consent_naming_the_party(client, world):
    case = world["case"]
    Accompaniment.objects.filter(pk=case.pk).update(state="conclusion")  # a synthesis is validated in conclusion
    case.refresh_from_db()
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 5, 1))
    client.force_login(world["owner"])
    refused = client.get(reverse("web:synthesis_pdf", args=[case.pk]), {"destinataire": "999"})
    assert refused.status_code == 302
    consent = consent_record(
        actor=case.counsellor,
        accompaniment=case,
        data={
            "kind": "synthesis_sharing",
            "third_party": "CEP Occitanie",
            "given_on": timezone.localdate() - timedelta(days=1),
        },
    )
    shared = client.get(reverse("web:synthesis_pdf", args=[case.pk]), {"destinataire": consent.pk})
    text = PdfReader(BytesIO(shared.content)).pages[-1].extract_text()
    assert "CEP Occitanie" in text


def test_the_person_link_downloads_the_validated_version_only(client, world):
    case = world["case"]
    Accompaniment.objects.filter(pk=case.pk).update(state="conclusion")  # a synthesis is validated in conclusion
    case.refresh_from_db()
    synthesis = synthesis_start(actor=case.counsellor, accompaniment=case)
    synthesis_validate(actor=case.counsellor, synthesis=synthesis, version=1, on=date(2026, 5, 1))
    client.force_login(world["owner"])
    link = client.get(reverse("web:synthesis_edit", args=[case.pk])).context["person_link"]
    client.logout()
    path = link.split("testserver", 1)[1]
    assert client.get(path)["Content-Type"] == "application/pdf"
    assert client.get(path.replace("/ma-synthese/", "/ma-synthese/x")).status_code == 404


def test_the_calendar_shows_my_sessions_of_the_week(client, world):
    case = world["case"]
    _start(case)
    session_create(
        actor=case.counsellor,
        accompaniment=case,
        data={"starts_at": datetime(2026, 3, 4, 14, tzinfo=PARIS), "duration_minutes": 90, "phase": "preliminary"},
    )
    client.force_login(world["owner"])
    content = client.get(reverse("web:calendar"), {"semaine": "2026-03-04"}).content.decode()
    assert "Sandrine Lefèvre" in content
    assert "14\u00a0h – 15\u00a0h\u00a030" in content
    client.force_login(world["colleague"])
    assert "Sandrine Lefèvre" not in client.get(reverse("web:calendar"), {"semaine": "2026-03-04"}).content.decode()


def test_the_manager_lists_filters_and_exports_the_centres_cases(client, world):
    other = AccompanimentFactory(beneficiary=BeneficiaryFactory(centre=CentreFactory(), last_name="Ailleurs"))
    client.force_login(world["manager"])
    page = client.get(reverse("web:centre_cases"), {"funder": "cpf"})
    assert [c.pk for c in page.context["cases"]] == [world["case"].pk]
    export = client.get(reverse("web:centre_cases_csv")).content.decode("utf-8-sig")
    assert "Lefèvre" in export
    assert other.beneficiary.last_name not in export
    assert export.splitlines()[0].startswith("n°;type;bénéficiaire")
    client.force_login(world["owner"])
    assert client.get(reverse("web:centre_cases")).status_code == 403


def test_the_home_page_lists_due_follow_ups(client, world):
    case = world["case"]
    Accompaniment.objects.filter(pk=case.pk).update(
        state="closed", ended_on=date(2026, 1, 5), follow_up_on=date(2026, 7, 5)
    )
    client.force_login(world["owner"])
    content = client.get(reverse("web:home")).content.decode()
    assert "entretien de suivi" in content
    assert "Sandrine Lefèvre" in content


def test_withdrawing_a_consent_is_recorded_and_audited(client, world):
    case = world["case"]
    consent = consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "data_processing", "given_on": date(2026, 3, 2)}
    )
    client.force_login(world["owner"])
    client.post(
        reverse("web:consent_withdraw", args=[case.pk, consent.pk]),
        {"on": "2026-03-10", "base_version": consent.version},
    )
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 3, 10)
    assert AuditEvent.objects.filter(object_type="cases.consent", action="update", fields=["withdrawn_on"]).exists()
    assert Consent.objects.count() == 1
