"""A counsellor runs a whole bilan in a real browser, with the real matching engine and referential."""

import re
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import PASSWORD, BeneficiaryFactory, CentreFactory, counsellor
from trajectoire.cases.models import Accompaniment, DestructionRecord, ProfileSkill, Session
from trajectoire.cases.services import session_mark_held
from trajectoire.referentials.importers.rome import rome_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_session(page, when: str, minutes: str, phase: str, notes: str) -> None:
    page.get_by_role("link", name="Nouvel entretien").click()
    page.get_by_label("Date et heure").fill(when)
    page.get_by_label("Durée (minutes)").fill(minutes)
    page.get_by_label("Phase").select_option(phase)
    page.get_by_label("Notes partagées avec la personne").fill(notes)
    page.get_by_label("Notes privées du conseiller").fill(f"Privé — {notes}")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("L'entretien est enregistré.").wait_for()


def _move(page, label: str) -> None:
    """Each move opens its confirmation page (what follows), then « Confirmer »."""
    page.get_by_role("link", name=label).click()
    page.get_by_role("heading", name=label).wait_for()
    page.get_by_role("button", name="Confirmer").click()
    page.get_by_text("Étape enregistrée").wait_for()


def _hold_last_session() -> None:
    """The session took place: the workflow's brakes ask for a held session of a phase before leaving it."""
    session = Session.objects.order_by("-id").first()
    session_mark_held(
        actor=session.created_by, session=session, held_minutes=session.duration_minutes, now=session.starts_at
    )


def test_bilan_journey(live_server, page):
    rome_import()  # the shipped ROME 4.0: job titles, skills and occupations the engine speaks of
    centre = CentreFactory(name="CIBC Démo Occitanie")
    user = counsellor(centre, email="claire.martin@exemple.fr", first_name="Claire", last_name="Martin")
    person = BeneficiaryFactory(centre=centre, counsellor=user, first_name="Sandrine", last_name="Lefèvre")
    today = timezone.localdate()

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Bonjour Claire").wait_for()

    # A new bilan for Sandrine.
    page.goto(f"{live_server.url}/beneficiaires/{person.pk}/")
    page.get_by_role("link", name="Nouveau bilan de compétences").click()
    page.get_by_label("À l'initiative de").select_option("beneficiary")
    page.get_by_label("Financeur").select_option("cpf")
    page.get_by_label("Prix (€ TTC)").fill("1600")
    page.get_by_label("Début prévu").fill(today.isoformat())
    page.get_by_label("Fin prévue").fill((today + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Le bilan est créé").wait_for()

    # Without consent the start is a disabled button with the reason; with it, the preliminary phase opens.
    assert page.get_by_role("button", name="Commencer la phase préliminaire").is_disabled()
    page.get_by_text("ne peut commencer sans le consentement de la personne").wait_for()
    page.get_by_role("link", name="Enregistrer").first.click()
    page.get_by_label("Type").select_option("bilan_agreement")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Le consentement est enregistré.").wait_for()
    _move(page, "Commencer la phase préliminaire")
    _fill_session(page, f"{today.isoformat()}T09:00", "120", "preliminary", "Analyse de la demande")
    _hold_last_session()
    page.reload()
    _move(page, "Passer à la phase d'investigation")
    _fill_session(page, f"{today.isoformat()}T14:00", "180", "investigation", "Exploration des intérêts")
    _hold_last_session()

    # An experience told in her words becomes skill suggestions with evidence; two are accepted.
    page.get_by_role("link", name="Ouvrir").first.click()
    page.get_by_label("Intitulé du poste tel que la personne le dit").fill("Agent de service hospitalier")
    page.get_by_label("Type d'employeur").select_option("public")
    page.get_by_label("Récit de l'expérience").fill(
        "Pendant 8 ans en EHPAD j'aidais les aides-soignantes pour la toilette des résidents, je faisais "
        "l'entretien et le bionettoyage des chambres, je servais les repas et j'aidais à la prise des repas."
    )
    page.get_by_role("button", name="Ajouter et analyser").click()
    page.get_by_text(re.compile(r"compétences? proposées?, à examiner")).wait_for()
    assert page.get_by_text("Mots repérés").count() >= 2
    for accepted in (1, 2):
        page.get_by_role("button", name="Accepter").first.click()
        page.get_by_role("heading", name=f"Profil de compétences ({accepted})").wait_for()
    case = Accompaniment.objects.get()
    assert ProfileSkill.objects.filter(accompaniment=case, status="accepted").count() == 2

    # Pistes are explained; one is retained with a reason.
    page.get_by_role("link", name="Voir les pistes de mobilité").click()
    page.get_by_role("button", name="Proposer des pistes").click()
    page.get_by_text(re.compile(r"pistes? proposées?, à examiner")).wait_for()
    first = page.locator("article.card").first
    retained_label = first.locator("h3 a").inner_text()
    first.get_by_label("Pourquoi").fill("Le soin lui plaît et le bassin recrute")
    first.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("retenue").first.wait_for()

    # Conclusion, synthesis, validation by the person, PDF.
    page.goto(f"{live_server.url}/accompagnements/{case.pk}/")
    _move(page, "Passer à la phase de conclusion")
    _fill_session(page, f"{today.isoformat()}T16:00", "90", "conclusion", "Relecture des pistes")
    _hold_last_session()
    page.get_by_role("link", name="Rédiger la synthèse").click()
    page.get_by_role("button", name="Commencer la synthèse").click()  # a POST: reading the page creates nothing
    page.get_by_label("Projet(s), facteurs favorables et défavorables").fill(
        f"Projet retenu : {retained_label}. Facteurs favorables : expérience en EHPAD."
    )
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    page.get_by_text("Synthèse enregistrée (version 2)").wait_for()
    page.get_by_label("La personne a relu cette version et l'approuve.").check()
    page.get_by_role("button", name="Enregistrer la validation de la version 2").click()
    page.get_by_text("La version 2 est validée par la personne.").wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    pdf = PdfReader(BytesIO(Path(download_info.value.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Document de synthèse du bilan de compétences" in text
    assert "CIBC Démo Occitanie" in text
    assert retained_label.split(" /")[0] in text.replace("\n", " ")
    assert "Page 1 sur" in text

    # Closure runs the retention task: notes and working documents are gone, the record stays.
    page.goto(f"{live_server.url}/accompagnements/{case.pk}/")
    page.get_by_role("link", name="Clôturer le bilan").click()
    page.get_by_text("Ce qui sera détruit, et quand").wait_for()
    page.get_by_text("Notes d'entretien : 3").wait_for()
    page.get_by_role("button", name="Confirmer").click()
    page.get_by_text("Étape enregistrée").wait_for()
    case.refresh_from_db()
    assert case.state == "closed"
    assert case.ended_on == date.today() or case.ended_on == today
    record = DestructionRecord.objects.get(accompaniment=case)
    assert record.counts["notes d'entretien"] == 3
    assert not Session.objects.exclude(private_notes="").exists()
    assert not ProfileSkill.objects.exists()
    page.reload()
    page.get_by_text("documents détruits").wait_for()
    assert page.get_by_text("Privé — Analyse de la demande").count() == 0
