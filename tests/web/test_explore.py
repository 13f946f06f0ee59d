import pytest
from django.urls import reverse

from tests.cases.test_profile import StandInEngine
from tests.factories import CentreFactory, UserFactory, counsellor
from tests.referentials.helpers import import_fixture_referentials
from trajectoire.referentials.models import JobTitle

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine(monkeypatch):
    import_fixture_referentials(tension=False)
    stand_in = StandInEngine(
        [],
        [
            {
                "code_rome": "F1602",
                "score": 0.7,
                "shared_skills": [],
                "missing_skills": [],
                "mobility": True,
                "explanation": "Électricien / Électricienne du bâtiment : mobilité repérée par les experts du ROME.",
            }
        ],
    )
    monkeypatch.setattr("trajectoire.web.explore.views.get_engine", lambda: stand_in)
    return stand_in


def test_exploring_from_a_job_title_shows_explained_suggestions(client, engine):
    client.force_login(counsellor(CentreFactory()))
    title = JobTitle.objects.filter(occupation__code="N1103").first()
    response = client.get(reverse("web:explore"), {"job_title": title.ogr_code})
    content = response.content.decode()
    assert "mobilité repérée par les experts du ROME" in content
    _, profile = engine.asked[-1]
    assert profile["current_occupations"] == ["N1103"]
    assert profile["skills"]  # the occupation's own skills and knowledge


def test_the_empty_explorer_asks_for_a_profile_and_calls_nothing(client, engine):
    client.force_login(counsellor(CentreFactory()))
    response = client.get(reverse("web:explore"))
    assert "Ajoutez au moins un métier" in response.content.decode()
    assert engine.asked == []


@pytest.mark.parametrize(("who", "status"), [("analyst", 403), ("anonymous", 302)])
def test_the_explorer_needs_a_centre_member(client, engine, who, status):
    if who == "analyst":
        client.force_login(UserFactory(is_network_analyst=True))
    assert client.get(reverse("web:explore")).status_code == status
