"""A counsellor corrects a profile in a real browser: reads a long account whole, sees the character counter,
removes a skill with a reason and puts it back, edits an experience and is offered a new analysis."""

from datetime import date

import pytest

from tests.cases.test_profile import _engine
from tests.factories import PASSWORD, AccompanimentFactory, BeneficiaryFactory, CentreFactory, counsellor
from tests.referentials.helpers import import_fixture_referentials
from trajectoire.cases import workflow
from trajectoire.cases.models import Experience, ProfileSkill
from trajectoire.cases.services import consent_record
from trajectoire.referentials.models import Skill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENDING = "et, pour finir, la préparation des chariots de linge propre pour l'équipe de nuit."


def test_profile_corrections_journey(live_server, page, monkeypatch):
    import_fixture_referentials()
    engine = _engine(list(Skill.objects.order_by("ogr_code")[:4]))
    monkeypatch.setattr("trajectoire.web.cases.profile_views.get_engine", lambda: engine)
    centre = CentreFactory(name="CIBC Démo Occitanie")
    user = counsellor(centre, email="claire.martin@exemple.fr", first_name="Claire", last_name="Martin")
    case = AccompanimentFactory(
        beneficiary=BeneficiaryFactory(centre=centre, counsellor=user, first_name="Sandrine", last_name="Lefèvre"),
        counsellor=user,
    )
    consent_record(actor=user, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 3, 2)})
    workflow.accompaniment_start(actor=user, accompaniment=case, on=date(2026, 3, 2))
    experience = Experience.objects.create(
        accompaniment=case,
        job_title="Agente de service hospitalier",
        employer_type="public",
        started_on=date(2015, 9, 1),
        description="Accueil des résidents et de leurs familles, entretien des chambres. " * 30 + ENDING,
    )
    skill = ProfileSkill.objects.create(
        accompaniment=case,
        code_ogr=str(Skill.objects.order_by("ogr_code").first().ogr_code),
        label="Réaliser des soins d'hygiène et de confort",
        provenance="validated",
        status="accepted",
        experience=experience,
    )

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Bonjour Claire").wait_for()
    page.goto(f"{live_server.url}/accompagnements/{case.pk}/profil/")

    # The long account: its end is on the page behind « Lire tout », revealed without a round-trip.
    disclosure = page.locator(".experience-account details")
    assert disclosure.evaluate("d => d.open") is False
    assert ENDING in disclosure.text_content()
    page.get_by_text("Lire tout").click()
    assert disclosure.evaluate("d => d.open") is True
    page.get_by_text("la préparation des chariots de linge propre").wait_for()

    # The counter under the account of a new experience, before anything is sent.
    account = page.get_by_label("Récit de l'expérience")
    account.fill("a" * 20_010)
    counter = page.locator("#id_description_counter")
    counter.get_by_text("retirez-en 10 avant d'enregistrer").wait_for()
    account.fill("Toilettes et repas.")
    counter.get_by_text("19 caractères sur 20 000 au plus.").wait_for()

    # Remove the skill with a reason, find it under « Retirées », put it back.
    page.get_by_text("Retirer : Réaliser des soins").click()
    page.get_by_label("Pourquoi la retirer du profil").fill("Tâche faite une seule fois, en remplacement.")
    page.get_by_role("button", name="Retirer du profil").click()
    page.get_by_text("est retirée du profil").wait_for()
    page.get_by_text("Retirées (1").click()
    page.get_by_text("Motif : Tâche faite une seule fois, en remplacement.").wait_for()
    page.get_by_role("button", name="Remettre dans le profil : Réaliser des soins").click()
    page.get_by_text("est de nouveau dans le profil").wait_for()
    skill.refresh_from_db()
    assert skill.status == "accepted"

    # Edit the experience's account: the profile then offers a new analysis.
    page.get_by_role("link", name="Modifier : Agente de service hospitalier").click()
    page.get_by_label("Récit de l'expérience").fill("Aide à la toilette, repas, transmissions à l'équipe.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Son récit a changé").wait_for()
    page.get_by_role("status").get_by_role("button", name="Analyser à nouveau").click()
    page.get_by_text("à examiner").first.wait_for()
    assert ProfileSkill.objects.filter(status="pending").count() == 3

    # Delete it from its confirmation page, taking its skills out of the profile.
    page.get_by_role("link", name="Supprimer : Agente de service hospitalier").click()
    page.get_by_role("heading", name="Ce qui va se passer").wait_for()
    page.get_by_label("Les retirer du profil").check()
    page.get_by_role("button", name="Supprimer l'expérience").click()
    page.get_by_text("est supprimée ; 4\u00a0compétences retirées du profil").wait_for()
    assert not Experience.objects.exists()
    assert set(ProfileSkill.objects.values_list("status", flat=True)) == {"removed"}
