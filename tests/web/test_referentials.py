import pytest
from django.urls import reverse

from tests.factories import CentreFactory, UserFactory, counsellor, manager
from tests.referentials.helpers import import_fixture_referentials
from trajectoire.referentials.search import clear_index_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def referentials():
    clear_index_cache()
    import_fixture_referentials()
    yield
    clear_index_cache()


@pytest.fixture
def member(client):
    user = counsellor(CentreFactory())
    client.force_login(user)
    return user


PAGES = [
    ("web:referential_browse", {}),
    ("web:referential_domain", {"code": "J15"}),
    ("web:referential_occupation", {"code": "J1501"}),
    ("web:referential_skill", {"ogr_code": 103495}),
    ("web:referential_search", {}),
    ("web:referential_autocomplete", {"source": "metiers"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, referentials, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_a_user_without_centre_is_refused(client, referentials, name, kwargs):
    client.force_login(UserFactory())
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_members_and_network_analysts_read_every_page(client, referentials, name, kwargs):
    for user in (counsellor(CentreFactory()), manager(CentreFactory()), UserFactory(is_network_analyst=True)):
        client.force_login(user)
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_the_browser_lists_major_domains_and_domains(client, member, referentials):
    page = client.get(reverse("web:referential_browse")).content.decode()
    assert "Santé" in page
    assert reverse("web:referential_domain", kwargs={"code": "J15"}) in page
    assert "Référentiel métiers" in page  # navigation link
    domain = client.get(reverse("web:referential_domain", kwargs={"code": "J15"})).content.decode()
    assert reverse("web:referential_occupation", kwargs={"code": "J1501"}) in domain


def test_the_occupation_page_shows_the_whole_sheet(client, member, referentials):
    page = client.get(reverse("web:referential_occupation", kwargs={"code": "j1501"})).content.decode()
    assert "Aide-soignant / Aide-soignante" in page
    assert "L&#x27;aide-soignant apporte un soutien" in page
    assert "Accès au métier" in page and "Diplôme d&#x27;État" in page
    assert "Savoir-faire — technique" in page
    assert "cœur de métier" in page
    assert "Savoirs" in page and "Contextes de travail" in page
    assert "Profil d'intérêts (RIASEC)" in page
    assert "métier réglementé" in page
    assert "Aide-soignant hospitalier / Aide-soignante hospitalière" in page
    assert "données 2021" in page
    assert "Choisissez un bassin d&#x27;emploi" in page


def test_the_occupation_page_links_its_mobilities(client, member, referentials):
    page = client.get(reverse("web:referential_occupation", kwargs={"code": "N1103"})).content.decode()
    assert reverse("web:referential_occupation", kwargs={"code": "N1110"}) in page


def test_the_tension_of_a_chosen_area_is_shown_with_its_year(client, member, referentials):
    url = reverse("web:referential_occupation", kwargs={"code": "J1501"})
    page = client.get(url, {"bassin": "7617"}).content.decode()
    assert "Toulouse" in page and "tension très forte" in page and "(5 sur 5, données 2021)" in page
    partial = client.get(url, {"bassin": "7614"}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html
    assert 'id="tension"' in html and "Rodez" in html and "données 2021" in html


def test_an_unknown_occupation_is_404(client, member, referentials):
    assert client.get(reverse("web:referential_occupation", kwargs={"code": "Z9999"})).status_code == 404


def test_a_removed_occupation_stays_readable_with_a_warning(client, member, referentials):
    from tests.referentials.helpers import ROME_V461
    from trajectoire.referentials.importers.rome import rome_import

    rome_import(directory=ROME_V461, allow_shrink=True)  # v461 retires N1110, a quarter of the fixture set
    page = client.get(reverse("web:referential_occupation", kwargs={"code": "N1110"})).content.decode()
    assert "ne figure plus dans la version courante du ROME" in page


def test_autocomplete_returns_a_fragment_of_options(client, member, referentials):
    url = reverse("web:referential_autocomplete", kwargs={"source": "appellations"})
    response = client.get(url, {"q": "aide soigante", "listbox": "x-options"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'role="option"' in html and 'id="x-options-1"' in html
    assert "Aide-soignant / Aide-soignante" in html
    assert 'data-autocomplete-value="10891"' in html
    assert reverse("web:referential_occupation", kwargs={"code": "J1501"}) in html


def test_skill_autocomplete_links_to_the_skill(client, member, referentials):
    url = reverse("web:referential_autocomplete", kwargs={"source": "competences"})
    html = client.get(url, {"q": "soins hygiene"}).content.decode()
    assert "/referentiel/competences/" in html


def test_autocomplete_says_when_nothing_matches(client, member, referentials):
    url = reverse("web:referential_autocomplete", kwargs={"source": "metiers"})
    assert "Aucun résultat pour « zzzzqqq »" in client.get(url, {"q": "zzzzqqq"}).content.decode()
    assert client.get(url, {"q": ""}).content.decode().strip() == ""


def test_an_unknown_autocomplete_source_is_404(client, member, referentials):
    url = reverse("web:referential_autocomplete", kwargs={"source": "inconnu"})
    assert client.get(url, {"q": "aide"}).status_code == 404


def test_the_search_page_and_its_htmx_fragment(client, member, referentials):
    url = reverse("web:referential_search")
    page = client.get(url, {"q": "prépa commandes"}).content.decode()
    assert "N1103 — Préparateur / Préparatrice de commandes" in page
    fragment = client.get(url, {"q": "prépa commandes"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "N1103" in fragment


def test_the_autocomplete_component_fills_a_form_field(rf, referentials):
    from django import forms
    from django.template.loader import render_to_string

    from trajectoire.web.referentials.forms import JobTitleField

    class ProjectForm(forms.Form):
        job_title = JobTitleField()

    form = ProjectForm({"job_title": "10891"})
    assert form.is_valid() and form.cleaned_data["job_title"].occupation.code == "J1501"
    html = render_to_string(
        "referentials/components/autocomplete.html",
        {
            "source": "appellations",
            "input_id": "id_job_title_search",
            "label": "Métier visé",
            "field": form["job_title"],
        },
    )
    assert 'data-autocomplete-target="id_job_title"' in html
    assert 'type="hidden" name="job_title"' in html


def test_autocomplete_shows_a_label_once_per_occupation(client, member, referentials):
    url = reverse("web:referential_autocomplete", kwargs={"source": "metiers"})
    html = client.get(url, {"q": "aide soignant"}).content.decode()
    assert html.count(">\n        Aide-soignant / Aide-soignante\n") == 1
