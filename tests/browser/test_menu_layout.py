"""The main menu of a manager, the longest one, fits a 1280 px screen: no sideways scrolling, each link on one
line, « Se déconnecter » visible. It used to push the page to 1,348 px."""

import pytest

from tests.factories import PASSWORD, CentreFactory, manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 1024, 800])
def test_the_managers_menu_fits_the_screen(live_server, page, width):
    centre = CentreFactory(name="CIBC Démo Occitanie")
    user = manager(centre, email="nadia.roux@exemple.fr", first_name="Nadia", last_name="Roux")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Bonjour Nadia").wait_for()

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    logout = page.get_by_role("button", name="Se déconnecter")
    box = logout.bounding_box()
    assert box and box["x"] + box["width"] <= width
    # Each link keeps its words on one line: as tall as the shortest one.
    heights = page.locator("#menu .nav-link").evaluate_all("links => links.map(l => l.getBoundingClientRect().height)")
    assert len(heights) == 8 and max(heights) < 1.5 * min(heights)
