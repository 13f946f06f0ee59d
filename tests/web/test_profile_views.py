from datetime import date

import pytest
from django.urls import reverse

from tests.cases.test_profile import _engine
from tests.factories import AccompanimentFactory, BeneficiaryFactory, CentreFactory, UserFactory, counsellor, manager
from tests.referentials.helpers import import_fixture_referentials
from trajectoire.cases import workflow
from trajectoire.cases.models import Experience, Piste, ProfileSkill
from trajectoire.cases.services import consent_record
from trajectoire.referentials.models import JobTitle, Skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    import_fixture_referentials()
    engine = _engine(list(Skill.objects.order_by("ogr_code")[:4]))
    monkeypatch.setattr("trajectoire.web.cases.profile_views.get_engine", lambda: engine)
    centre = CentreFactory()
    owner = counsellor(centre)
    case = AccompanimentFactory(beneficiary=BeneficiaryFactory(centre=centre, counsellor=owner), counsellor=owner)
    consent_record(actor=owner, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 3, 2)})
    workflow.accompaniment_start(actor=owner, accompaniment=case, on=date(2026, 3, 2))
    return {
        "case": case,
        "owner": owner,
        "manager": manager(centre),
        "colleague": counsellor(centre),
        "other_centre": counsellor(CentreFactory()),
        "analyst": UserFactory(is_network_analyst=True),
        "anonymous": None,
    }


STATUS = {"owner": 200, "manager": 200, "colleague": 404, "other_centre": 404, "analyst": 403, "anonymous": 302}


@pytest.mark.parametrize("who", STATUS)
@pytest.mark.parametrize("page", ["case_profile", "case_pistes"])
def test_profile_and_pistes_pages_permissions(client, world, who, page):
    if world[who]:
        client.force_login(world[who])
    assert client.get(reverse(f"web:{page}", args=[world["case"].pk])).status_code == STATUS[who]


def test_adding_an_experience_chosen_in_the_referential_analyses_it(client, world):
    case = world["case"]
    title = JobTitle.objects.filter(occupation__code="J1501").first()
    client.force_login(world["owner"])
    response = client.post(
        reverse("web:case_profile", args=[case.pk]),
        {
            "job_title": "",
            "job_title_code": str(title.ogr_code),
            "employer_type": "public",
            "started_on": "2015-09-01",
            "ended_on": "2025-12-31",
            "description": "Toilettes, repas, transmissions à l'équipe soignante en EHPAD.",
        },
    )
    assert response.status_code == 302
    experience = Experience.objects.get()
    assert experience.job_title == title.label
    assert ProfileSkill.objects.filter(status="pending").count() == 4


def test_an_experience_without_any_job_title_is_refused_in_french(client, world):
    client.force_login(world["owner"])
    response = client.post(
        reverse("web:case_profile", args=[world["case"].pk]),
        {"job_title": "", "job_title_code": "", "employer_type": "public", "description": "x"},
    )
    assert "Indiquez le poste occupé" in " ".join(response.context["experience_form"].errors["job_title"])
    assert not Experience.objects.exists()


def test_accepting_a_skill_through_htmx_returns_the_refreshed_panel(client, world):
    case = world["case"]
    skill = ProfileSkill.objects.create(
        accompaniment=case,
        code_ogr="42",
        label="Réaliser des soins d'hygiène",
        provenance="extracted",
        status="pending",
        evidence="toilettes",
    )
    client.force_login(world["owner"])
    response = client.post(reverse("web:skill_decide", args=[case.pk, skill.pk, "accepter"]), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert "Profil de compétences (1)" in content
    skill.refresh_from_db()
    assert skill.status == "accepted"


def test_a_colleague_cannot_decide_a_skill_of_a_case_that_is_not_theirs(client, world):
    case = world["case"]
    skill = ProfileSkill.objects.create(
        accompaniment=case, code_ogr="42", label="x", provenance="extracted", status="pending"
    )
    client.force_login(world["colleague"])
    assert client.post(reverse("web:skill_decide", args=[case.pk, skill.pk, "accepter"])).status_code == 404
    skill.refresh_from_db()
    assert skill.status == "pending"


def test_computing_and_retaining_a_piste_through_the_pages(client, world):
    case = world["case"]
    ProfileSkill.objects.create(
        accompaniment=case,
        code_ogr=str(Skill.objects.order_by("ogr_code").first().ogr_code),
        label="x",
        provenance="declared",
        status="accepted",
    )
    client.force_login(world["owner"])
    client.post(reverse("web:case_pistes", args=[case.pk]), {"area": ""})
    piste = Piste.objects.get(code_rome="J1501")
    page = client.get(reverse("web:case_pistes", args=[case.pk])).content.decode()
    assert "mobilité repérée par les experts du ROME" in page
    assert "partage 1 compétence" in page
    client.post(
        reverse("web:piste_decide", args=[case.pk, piste.pk]), {"decision": "retained", "reason": "Projet soin"}
    )
    piste.refresh_from_db()
    assert piste.decision == "retained"
    client.post(
        reverse("web:action_step_create", args=[case.pk]),
        {
            "kind": "training",
            "description": "Entrée en formation DEAS",
            "target_date": "2026-09-01",
            "piste": piste.pk,
        },
    )
    assert case.action_steps.get().piste == piste
