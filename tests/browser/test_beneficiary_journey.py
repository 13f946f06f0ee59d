import pytest

from tests.factories import PASSWORD, CentreFactory, counsellor
from trajectoire.cases.models import Beneficiary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_counsellor_logs_in_creates_a_beneficiary_and_finds_them_in_the_list(live_server, page):
    centre = CentreFactory(name="CIBC Démo Occitanie")
    user = counsellor(centre, email="claire.martin@exemple.fr", first_name="Claire")

    page.goto(f"{live_server.url}/connexion/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Bonjour Claire").wait_for()

    page.get_by_role("link", name="Nouveau bénéficiaire").first.click()
    page.get_by_label("Prénom").fill("Gwenaëlle")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Le Bihan")
    page.get_by_label("Adresse e-mail").fill("gwen.lebihan@exemple.fr")
    page.get_by_label("Téléphone").fill("0631415926")
    page.get_by_label("Année de naissance").fill("1986")
    page.get_by_label("Code postal").fill("35000")
    page.get_by_label("Situation professionnelle").select_option(label="salarié du privé")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Le dossier de Gwenaëlle Le Bihan est créé.").wait_for()
    assert page.get_by_text("06 31 41 59 26").is_visible()

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Bénéficiaires").click()
    page.get_by_label("Rechercher (nom, prénom, e-mail, code postal)").fill("bihan")
    result = page.get_by_role("link", name="LE BIHAN Gwenaëlle")
    result.wait_for()
    result.click()
    page.get_by_role("heading", name="Gwenaëlle LE BIHAN").wait_for()
    assert Beneficiary.objects.get().centre == centre


def test_a_wrong_password_shows_a_french_error(live_server, page):
    counsellor(CentreFactory(), email="karim.benali@exemple.fr")
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill("karim.benali@exemple.fr")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Adresse e-mail ou mot de passe incorrect").wait_for()
