import pytest

from tests.factories import CentreFactory, counsellor
from trajectoire.accounts.services import api_token_create
from trajectoire.matching.engine import Extraction, OccupationHit, Profile, Recommendation, SkillHit, Suggestion

# One valid body per write operation of the API: the auth and CSRF tests run on each of them.
POSTS = {
    "/api/v1/matching/extract": {"id": "exp-1", "text": "Aide-soignante en EHPAD : toilette des résidents."},
    "/api/v1/matching/recommend": {"id": "p-1", "current_occupations": ["J1501"], "riasec": "SA", "top": 3},
    "/api/v1/schemes/evaluate": {"facts": {"status": "salarie_prive"}, "on": "2026-03-02"},
}


@pytest.fixture
def claire(db):
    return counsellor(CentreFactory(name="CIBC Démo Occitanie"), first_name="Claire", last_name="Martin")


@pytest.fixture
def bearer(claire):
    """Headers of a script calling with Claire Martin's API token."""
    _, clear = api_token_create(user=claire, name="script d'import")
    return {"Authorization": f"Bearer {clear}"}


def csrf_token_of(client) -> str:
    """The CSRF token the pages give a logged-in session, read from a real page."""
    page = client.get("/")
    assert page.status_code == 200
    return str(page.context["csrf_token"])


class StandInEngine:
    """Answers like trajectoire.matching.Engine (its own result classes, its own profile checks) without loading
    the ROME, and remembers what it was asked."""

    def __init__(self):
        self.asked = []

    def extract(self, text, top=5, top_skills=10):
        self.asked.append(("extract", text, top, top_skills))
        return Extraction(
            occupations=[OccupationHit("J1501", 0.91, "Aide-soignant / Aide-soignante")][:top],
            skills=[SkillHit("38707", 0.8, "toilette des résidents", "Réaliser la toilette d'une personne")][
                :top_skills
            ],
        )

    def recommend(self, profile, top=10):
        self.asked.append(("recommend", profile, top))
        Profile.from_mapping(profile)  # the real engine's checks, with its ProfileError
        suggestion = Suggestion(
            code_rome="J1301",
            label="Personnel polyvalent des services hospitaliers",
            score=0.72,
            shared_skills=["38707"],
            missing_skills=["120690"],
            mobility=True,
            riasec_fit=0.5,
            explanation="Une mobilité retenue par les experts du ROME.",
        )
        return Recommendation([suggestion][:top])


@pytest.fixture(autouse=True)
def engine(monkeypatch):
    stand_in = StandInEngine()
    monkeypatch.setattr("trajectoire.api.matching.get_engine", lambda: stand_in)
    return stand_in
