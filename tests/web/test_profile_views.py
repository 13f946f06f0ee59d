from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.cases.test_profile import _engine
from tests.conftest import login_as
from tests.factories import AccompanimentFactory, BeneficiaryFactory, CentreFactory, UserFactory, counsellor, manager
from tests.referentials.helpers import import_fixture_referentials
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases import workflow
from trajectoire.cases.models import Accompaniment, ActionStep, Experience, Piste, ProfileSkill
from trajectoire.cases.services import consent_record
from trajectoire.referentials.models import JobTitle, Skill
from trajectoire.web.cases.profile_views import split_account

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


# --- Removing skills, editing and deleting experiences and steps -----------------------------------------


def _experience(case, **fields):
    values = {
        "job_title": "Agente de service hospitalier",
        "employer_type": "public",
        "started_on": date(2015, 9, 1),
        "ended_on": date(2025, 12, 31),
        "description": "Entretien des chambres, distribution des repas, aide à la toilette.",
        **fields,
    }
    return Experience.objects.create(accompaniment=case, **values)


def _accepted(case, experience=None, code="42", label="Réaliser des soins d'hygiène"):
    return ProfileSkill.objects.create(
        accompaniment=case,
        code_ogr=code,
        label=label,
        provenance="validated",
        status="accepted",
        evidence="toilette",
        experience=experience,
    )


def _step(case):
    return ActionStep.objects.create(accompaniment=case, kind="immersion", description="PMSMP de deux semaines")


def _token(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return page.context["csrf_token"]


def _experience_post(experience, **changes):
    return {
        "job_title": experience.job_title,
        "job_title_code": experience.job_title_code,
        "employer_type": experience.employer_type,
        "started_on": f"{experience.started_on:%Y-%m-%d}" if experience.started_on else "",
        "ended_on": f"{experience.ended_on:%Y-%m-%d}" if experience.ended_on else "",
        "description": experience.description,
        "base_version": str(experience.version),
        **changes,
    }


PAGES = {
    "experience_edit": lambda w, e, s, st: [w["case"].pk, e.pk],
    "experience_delete": lambda w, e, s, st: [w["case"].pk, e.pk],
    "skill_remove": lambda w, e, s, st: [w["case"].pk, s.pk],
    "action_step_edit": lambda w, e, s, st: [w["case"].pk, st.pk],
}


@pytest.mark.parametrize("who", STATUS)
@pytest.mark.parametrize("page", PAGES)
def test_edit_and_confirmation_pages_permissions(client, world, who, page):
    experience = _experience(world["case"])
    args = PAGES[page](world, experience, _accepted(world["case"], experience), _step(world["case"]))
    login_as(client, world, who)
    assert client.get(reverse(f"web:{page}", args=args)).status_code == STATUS[who]


@pytest.mark.parametrize("who", ["colleague", "other_centre", "analyst", "anonymous"])
def test_only_those_who_may_write_remove_restore_or_delete(client, world, who):
    case = world["case"]
    experience = _experience(case)
    skill = _accepted(case, experience)
    removed = _accepted(case, code="43", label="Accueillir les familles")
    removed.status = "removed"
    removed.save()
    login_as(client, world, who)
    posts = [
        (reverse("web:skill_remove", args=[case.pk, skill.pk]), {"reason": "Hors sujet"}),
        (reverse("web:skill_restore", args=[case.pk, removed.pk]), {}),
        (reverse("web:experience_delete", args=[case.pk, experience.pk]), {"skills": "remove", "base_version": "1"}),
        (reverse("web:experience_edit", args=[case.pk, experience.pk]), _experience_post(experience, job_title="X")),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == STATUS[who]
    skill.refresh_from_db()
    removed.refresh_from_db()
    experience.refresh_from_db()
    assert (skill.status, removed.status, experience.job_title) == (
        "accepted",
        "removed",
        "Agente de service hospitalier",
    )


def test_a_write_without_its_csrf_token_is_refused(csrf_client, world):
    case = world["case"]
    skill = _accepted(case)
    csrf_client.force_login(world["owner"])
    response = csrf_client.post(reverse("web:skill_remove", args=[case.pk, skill.pk]), {"reason": "Hors sujet"})
    assert response.status_code == 403
    skill.refresh_from_db()
    assert skill.status == "accepted"


def test_removing_a_skill_from_the_profile_page_shows_it_under_retirees_with_reason_who_and_when(csrf_client, world):
    case = world["case"]
    skill = _accepted(case)
    csrf_client.force_login(world["owner"])
    profile_url = reverse("web:case_profile", args=[case.pk])
    token = _token(csrf_client, profile_url)
    remove_url = reverse("web:skill_remove", args=[case.pk, skill.pk])
    # Without a reason: the confirmation page, the message beside the field, nothing changed.
    refused = csrf_client.post(remove_url, {"reason": "", "csrfmiddlewaretoken": token})
    assert refused.status_code == 200
    assert "Dites pourquoi" in " ".join(refused.context["form"].errors["reason"])
    skill.refresh_from_db()
    assert skill.status == "accepted"
    done = csrf_client.post(remove_url, {"reason": "Exercée une seule semaine", "csrfmiddlewaretoken": token})
    assert done.status_code == 302
    page = csrf_client.get(profile_url).content.decode()
    retirees = page[page.index('id="retirees"') :]
    assert "Retirées (1\u00a0compétence)" in retirees
    assert "Motif : Exercée une seule semaine" in retirees
    assert world["owner"].get_full_name() in retirees
    assert "Profil de compétences (0)" in page
    # And back: « Remettre dans le profil ».
    csrf_client.post(reverse("web:skill_restore", args=[case.pk, skill.pk]), {"csrfmiddlewaretoken": token})
    skill.refresh_from_db()
    assert skill.status == "accepted"


def test_a_skill_removed_through_the_page_is_not_proposed_again_by_a_new_analysis(csrf_client, world):
    case = world["case"]
    csrf_client.force_login(world["owner"])
    profile_url = reverse("web:case_profile", args=[case.pk])
    token = _token(csrf_client, profile_url)
    experience = _experience(case)
    analyse_url = reverse("web:experience_analyse", args=[case.pk, experience.pk])
    csrf_client.post(analyse_url, {"csrfmiddlewaretoken": token})
    first = ProfileSkill.objects.order_by("code_ogr").first()
    csrf_client.post(reverse("web:skill_decide", args=[case.pk, first.pk, "accepter"]), {"csrfmiddlewaretoken": token})
    csrf_client.post(
        reverse("web:skill_remove", args=[case.pk, first.pk]),
        {"reason": "Pas son métier", "csrfmiddlewaretoken": token},
    )
    again = csrf_client.post(analyse_url, {"csrfmiddlewaretoken": token}, follow=True)
    assert "Aucune nouvelle compétence proposée" in again.content.decode()
    first.refresh_from_db()
    assert first.status == "removed"
    assert ProfileSkill.objects.filter(code_ogr=first.code_ogr).count() == 1


def test_an_oversized_account_is_refused_with_its_count_and_nothing_is_stored(csrf_client, world):
    case = world["case"]
    csrf_client.force_login(world["owner"])
    url = reverse("web:case_profile", args=[case.pk])
    token = _token(csrf_client, url)
    account = ("Toilettes, repas et transmissions. " * 701)[:24_512]
    response = csrf_client.post(
        url,
        {
            "job_title": "Aide-soignante",
            "employer_type": "public",
            "description": account,
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["experience_form"].errors["description"])
    assert "Le récit ne peut dépasser 20\u202f000\u00a0caractères (il en compte 24\u202f512)" in errors
    assert not Experience.objects.exists()
    assert not ProfileSkill.objects.exists()


def test_an_experience_in_the_future_or_before_1950_is_refused_in_french(client, world):
    client.force_login(world["owner"])
    response = client.post(
        reverse("web:case_profile", args=[world["case"].pk]),
        {
            "job_title": "Aide-soignante",
            "employer_type": "public",
            "started_on": "1949-06-01",
            "ended_on": "2999-01-01",
        },
    )
    errors = response.context["experience_form"].errors
    assert "précède 1950" in " ".join(errors["started_on"])
    assert "dans le futur" in " ".join(errors["ended_on"])
    assert not Experience.objects.exists()


def test_the_account_form_counts_characters_before_sending(client, world):
    client.force_login(world["owner"])
    page = client.get(reverse("web:case_profile", args=[world["case"].pk]))
    content = page.content.decode()
    assert 'data-char-counter-max="20000"' in content
    assert f'src="/static/js/char-counter.js" nonce="{page.wsgi_request.csp_nonce}"' in " ".join(content.split())
    # No maxlength on the account: a browser would silently cut a longer paste.
    area = content[content.index('name="description"') - 300 : content.index('name="description"') + 300]
    assert "maxlength" not in area


def test_a_long_account_is_shown_whole_on_the_profile(client, world):
    ending = "et pour finir la préparation des chariots de linge propre"
    account = "Accueil des résidents et de leurs familles. " * 80 + ending + "."
    _experience(world["case"], description=account)
    client.force_login(world["owner"])
    page = client.get(reverse("web:case_profile", args=[world["case"].pk])).content.decode()
    assert "Lire tout" in page
    assert ending in page
    # Cut at a space between the visible beginning and the disclosure: every word is on the page once.
    assert page.count("résidents") == 80
    assert "…" not in page[page.index('id="experiences"') :]


def test_two_stale_submissions_of_the_experience_form_the_second_is_refused_and_nothing_reverted(world):
    case = world["case"]
    experience = _experience(case)
    url = reverse("web:experience_edit", args=[case.pk, experience.pk])
    manager, owner = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    manager.force_login(world["manager"])
    owner.force_login(world["owner"])
    manager_token, owner_token = _token(manager, url), _token(owner, url)  # both opened at version 1
    first = manager.post(
        url, _experience_post(experience, job_title="ASH en EHPAD", csrfmiddlewaretoken=manager_token)
    )
    assert first.status_code == 302
    second = owner.post(
        url,
        _experience_post(experience, description="Un tout autre récit.", csrfmiddlewaretoken=owner_token),
    )
    assert second.status_code == 200
    errors = " ".join(second.context["form"].non_field_errors())
    assert "rien n'a été enregistré" in errors
    assert f"Entre-temps, {world['manager'].get_full_name()} a enregistré : intitulé du poste ASH en EHPAD" in errors
    # The owner's input is kept in the form, and the record is as the manager saved it.
    assert second.context["form"]["description"].value() == "Un tout autre récit."
    experience.refresh_from_db()
    assert (experience.job_title, experience.version) == ("ASH en EHPAD", 2)
    assert experience.description.startswith("Entretien des chambres")


def test_changing_the_account_offers_a_new_analysis(csrf_client, world):
    case = world["case"]
    experience = _experience(case)
    csrf_client.force_login(world["owner"])
    url = reverse("web:experience_edit", args=[case.pk, experience.pk])
    token = _token(csrf_client, url)
    response = csrf_client.post(
        url, _experience_post(experience, description="Soins d'hygiène et de confort.", csrfmiddlewaretoken=token)
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?analyser={experience.pk}#experience-{experience.pk}")
    before = AuditEvent.objects.exclude(action__in=["view", "list"]).count()
    page = csrf_client.get(response["Location"])
    assert "a changé" in page.content.decode()
    assert page.context["reanalyse"] == experience
    assert not ProfileSkill.objects.exists()  # the offer is only an offer: the GET wrote nothing
    assert AuditEvent.objects.exclude(action__in=["view", "list"]).count() == before


def test_deleting_an_experience_confirms_first_then_removes_its_skills_on_request(csrf_client, world):
    case = world["case"]
    experience = _experience(case)
    skill = _accepted(case, experience)
    csrf_client.force_login(world["owner"])
    url = reverse("web:experience_delete", args=[case.pk, experience.pk])
    page = csrf_client.get(url)
    content = page.content.decode()
    assert "1\u00a0compétence au profil" in content and "Réaliser des soins d" in content
    assert Experience.objects.filter(pk=experience.pk).exists()  # the GET deleted nothing
    no_choice = csrf_client.post(url, {"base_version": "1", "csrfmiddlewaretoken": page.context["csrf_token"]})
    assert "Choisissez ce que deviennent" in " ".join(no_choice.context["form"].errors["skills"])
    assert Experience.objects.filter(pk=experience.pk).exists()
    done = csrf_client.post(
        url, {"skills": "remove", "base_version": "1", "csrfmiddlewaretoken": page.context["csrf_token"]}
    )
    assert done.status_code == 302
    assert not Experience.objects.exists()
    skill.refresh_from_db()
    assert (skill.status, skill.removal_reason, skill.experience) == ("removed", "expérience supprimée", None)


def test_deleting_an_experience_can_keep_its_skills(client, world):
    case = world["case"]
    experience = _experience(case)
    skill = _accepted(case, experience)
    client.force_login(world["owner"])
    client.post(reverse("web:experience_delete", args=[case.pk, experience.pk]), {"skills": "keep", "base_version": 1})
    skill.refresh_from_db()
    assert (skill.status, skill.provenance, skill.experience) == ("accepted", "validated", None)


def test_two_stale_submissions_of_the_action_step_form_the_second_is_refused_and_nothing_reverted(world):
    case = world["case"]
    step = _step(case)
    url = reverse("web:action_step_edit", args=[case.pk, step.pk])
    manager, owner = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    manager.force_login(world["manager"])
    owner.force_login(world["owner"])
    manager_token, owner_token = _token(manager, url), _token(owner, url)
    base = {"kind": "immersion", "target_date": "", "piste": "", "base_version": "1"}
    first = manager.post(
        url, {**base, "description": "PMSMP de trois semaines en EHPAD", "csrfmiddlewaretoken": manager_token}
    )
    assert first.status_code == 302
    second = owner.post(url, {**base, "kind": "training", "description": "DEAS", "csrfmiddlewaretoken": owner_token})
    assert second.status_code == 200
    errors = " ".join(second.context["form"].non_field_errors())
    assert "rien n'a été enregistré" in errors
    assert "description PMSMP de trois semaines en EHPAD" in errors
    step.refresh_from_db()
    assert (step.kind, step.description, step.version) == ("immersion", "PMSMP de trois semaines en EHPAD", 2)


def test_an_action_step_description_over_300_characters_is_refused(client, world):
    case = world["case"]
    step = _step(case)
    client.force_login(world["owner"])
    response = client.post(
        reverse("web:action_step_edit", args=[case.pk, step.pk]),
        {"kind": "immersion", "description": "é" * 312, "base_version": "1"},
    )
    assert "ne peut dépasser 300\u00a0caractères (elle en compte 312)" in " ".join(
        response.context["form"].errors["description"]
    )
    step.refresh_from_db()
    assert step.description == "PMSMP de deux semaines"


def test_a_closed_case_shows_no_edit_or_delete_forms_and_refuses_them(client, world):
    case = world["case"]
    experience = _experience(case)
    skill = _accepted(case, experience)
    step = _step(case)
    Accompaniment.objects.filter(pk=case.pk).update(state="closed")
    client.force_login(world["owner"])
    page = client.get(reverse("web:case_profile", args=[case.pk])).content.decode()
    for name, args in [
        ("experience_edit", [case.pk, experience.pk]),
        ("experience_delete", [case.pk, experience.pk]),
        ("skill_remove", [case.pk, skill.pk]),
        ("experience_analyse", [case.pk, experience.pk]),
    ]:
        assert reverse(f"web:{name}", args=args) not in page
    pistes_page = client.get(reverse("web:case_pistes", args=[case.pk])).content.decode()
    assert reverse("web:action_step_edit", args=[case.pk, step.pk]) not in pistes_page
    response = client.get(reverse("web:experience_edit", args=[case.pk, experience.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("web:case_detail", args=[case.pk])
    client.post(reverse("web:skill_remove", args=[case.pk, skill.pk]), {"reason": "Hors sujet"})
    client.post(reverse("web:action_step_edit", args=[case.pk, step.pk]), {"kind": "training", "description": "X"})
    skill.refresh_from_db()
    step.refresh_from_db()
    assert (skill.status, step.description) == ("accepted", "PMSMP de deux semaines")


@pytest.mark.parametrize("length", [0, 10, 899, 900, 901, 5_000, 20_000])
def test_splitting_an_account_loses_no_character(length):
    text = ("Entretien des chambres,\nrepas " * 700)[:length]
    head, rest = split_account(text)
    assert head + rest == text
    assert (rest == "") == (length <= 900)


def test_the_case_page_lists_the_profile_and_counts_removed_skills_apart(client, world):
    case = world["case"]
    _accepted(case, label="Accueillir les familles")
    removed = _accepted(case, code="43", label="Conduire un chariot élévateur")
    removed.status = "removed"
    removed.save()
    client.force_login(world["owner"])
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Accueillir les familles" in page
    assert "Conduire un chariot élévateur" not in page
    assert "1\u00a0compétence retirée du profil" in page


def test_choosing_another_appellation_on_the_edit_page_brings_its_label(client, world):
    case = world["case"]
    first, second = JobTitle.objects.order_by("ogr_code")[:2]
    experience = _experience(case, job_title=first.label, job_title_code=str(first.ogr_code))
    client.force_login(world["owner"])
    url = reverse("web:experience_edit", args=[case.pk, experience.pk])
    assert first.label in client.get(url).content.decode()  # « Appellation choisie : … »
    client.post(url, _experience_post(experience, job_title_code=str(second.ogr_code)))
    experience.refresh_from_db()
    assert (experience.job_title, experience.job_title_code) == (second.label, str(second.ogr_code))
