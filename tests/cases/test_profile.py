"""Experiences → skills → pistes → action plan, with a stand-in engine (the real one is tested in
tests/matching and end to end in the browser journey)."""

from datetime import date
from types import SimpleNamespace

import pytest

from tests.factories import AccompanimentFactory
from tests.referentials.helpers import import_fixture_referentials
from trajectoire.cases import workflow
from trajectoire.cases.errors import CaseRuleError
from trajectoire.cases.models import Piste, ProfileSkill
from trajectoire.cases.profile import (
    accompaniment_set_area,
    action_step_create,
    experience_analyse,
    experience_create,
    piste_decide,
    pistes_compute,
    skill_decide,
    skill_declare,
)
from trajectoire.cases.services import consent_record
from trajectoire.referentials.models import EmploymentArea, LabourTension, Skill

pytestmark = pytest.mark.django_db


class StandInEngine:
    """Answers like trajectoire.matching.Engine and remembers what it was asked."""

    def __init__(self, skills, suggestions):
        self.skills, self.suggestions, self.asked = skills, suggestions, []

    def extract(self, text, top=5, top_skills=10):
        self.asked.append(("extract", text))
        return SimpleNamespace(to_dict=lambda: {"id": None, "occupations": [], "skills": self.skills[:top_skills]})

    def recommend(self, profile, top):
        self.asked.append(("recommend", profile))
        return SimpleNamespace(to_dict=lambda: {"suggestions": self.suggestions[:top]})


@pytest.fixture
def case():
    import_fixture_referentials()
    case = AccompanimentFactory()
    consent_record(
        actor=case.counsellor, accompaniment=case, data={"kind": "bilan_agreement", "given_on": date(2026, 3, 2)}
    )
    workflow.accompaniment_start(actor=case.counsellor, accompaniment=case, on=date(2026, 3, 2))
    return case


@pytest.fixture
def skills():
    return list(Skill.objects.order_by("ogr_code")[:4])


def _engine(skills):
    extracted = [
        {"code_ogr": str(s.ogr_code), "score": 1.0 - i / 10, "evidence": f"mot{i}"} for i, s in enumerate(skills)
    ]
    suggestions = [
        {
            "code_rome": "J1501",
            "score": 0.8,
            "shared_skills": [str(skills[0].ogr_code)],
            "missing_skills": [str(skills[1].ogr_code)],
            "mobility": True,
            "explanation": "Aide-soignant / Aide-soignante partage 1 compétence avec le profil.",
        },
        {
            "code_rome": "N1103",
            "score": 0.5,
            "shared_skills": [],
            "missing_skills": [],
            "mobility": False,
            "explanation": "Préparateur de commandes : proche par les savoir-être.",
        },
    ]
    return StandInEngine(extracted, suggestions)


def test_analysing_an_experience_proposes_skills_with_their_evidence_for_the_counsellor_to_decide(case, skills):
    engine = _engine(skills)
    experience = experience_create(
        actor=case.counsellor,
        accompaniment=case,
        data={"job_title": "ASH", "employer_type": "public", "description": "Je faisais les toilettes et les repas."},
    )
    found = experience_analyse(actor=case.counsellor, experience=experience, engine=engine)
    assert [s.status for s in found] == ["pending"] * 4
    assert found[0].evidence == "mot0"
    assert found[0].label == skills[0].label
    assert engine.asked == [("extract", "ASH Je faisais les toilettes et les repas.")]
    skill_decide(actor=case.counsellor, skill=found[0], accept=True)
    skill_decide(actor=case.counsellor, skill=found[1], accept=False)
    # A second analysis proposes nothing already decided.
    again = experience_analyse(actor=case.counsellor, experience=experience, engine=engine)
    assert again == []
    found[0].refresh_from_db()
    assert (found[0].status, found[0].provenance) == ("accepted", "validated")


def test_the_engine_receives_only_skill_and_occupation_codes(case, skills):
    engine = _engine(skills)
    skill_declare(actor=case.counsellor, accompaniment=case, skill=skills[0])
    pistes_compute(actor=case.counsellor, accompaniment=case, engine=engine)
    _, profile = engine.asked[-1]
    assert set(profile) == {"skills", "current_occupations", "exclude"}
    assert profile["skills"] == [str(skills[0].ogr_code)]


def test_pistes_are_explained_decided_with_a_reason_and_feed_the_action_plan(case, skills):
    engine = _engine(skills)
    skill_declare(actor=case.counsellor, accompaniment=case, skill=skills[0])
    pistes = pistes_compute(actor=case.counsellor, accompaniment=case, engine=engine)
    first = pistes[0]
    assert first.label == "Aide-soignant / Aide-soignante" or first.code_rome == "J1501"
    assert first.shared_skills == [{"code_ogr": str(skills[0].ogr_code), "label": skills[0].label}]
    assert first.is_mobility
    with pytest.raises(CaseRuleError, match="Dites pourquoi"):
        piste_decide(actor=case.counsellor, piste=first, decision="retained", reason="")
    piste_decide(actor=case.counsellor, piste=first, decision="retained", reason="Goût du soin, tension forte")
    piste_decide(actor=case.counsellor, piste=pistes[1], decision="set_aside", reason="Port de charges impossible")
    step = action_step_create(
        actor=case.counsellor,
        accompaniment=case,
        data={
            "kind": "immersion",
            "description": "PMSMP de 2 semaines en EHPAD",
            "target_date": date(2026, 4, 15),
            "piste": first,
        },
    )
    assert step.piste == first
    # Recomputing keeps decisions and does not suggest set-aside occupations again.
    pistes_compute(actor=case.counsellor, accompaniment=case, engine=engine)
    assert engine.asked[-1][1]["exclude"] == ["J1501", "N1103"]
    assert Piste.objects.get(code_rome="J1501").decision == "retained"


def test_a_step_cannot_hang_off_a_piste_that_was_not_retained(case, skills):
    engine = _engine(skills)
    skill_declare(actor=case.counsellor, accompaniment=case, skill=skills[0])
    piste = pistes_compute(actor=case.counsellor, accompaniment=case, engine=engine)[0]
    with pytest.raises(CaseRuleError, match="piste retenue"):
        action_step_create(
            actor=case.counsellor, accompaniment=case, data={"kind": "training", "description": "DEAS", "piste": piste}
        )


def test_pistes_need_an_accepted_profile(case, skills):
    with pytest.raises(CaseRuleError, match="aucune compétence acceptée"):
        pistes_compute(actor=case.counsellor, accompaniment=case, engine=_engine(skills))


def test_the_tension_of_the_chosen_bassin_is_shown_with_its_year(case, skills):
    row = LabourTension.objects.filter(occupation__code="J1501").select_related("area").first()
    skill_declare(actor=case.counsellor, accompaniment=case, skill=skills[0])
    pistes_compute(actor=case.counsellor, accompaniment=case, engine=_engine(skills))
    accompaniment_set_area(actor=case.counsellor, accompaniment=case, area_code=row.area.code)
    tension = Piste.objects.get(code_rome="J1501").tension
    assert (tension["tension"], tension["year"], tension["known"]) == (row.tension, 2021, True)
    assert EmploymentArea.objects.filter(code=tension["area"]).exists()


def test_a_closed_case_profile_no_longer_changes(case, skills):
    ProfileSkill.objects.create(accompaniment=case, code_ogr="1", label="x", provenance="extracted", status="pending")
    case.state = "closed"
    with pytest.raises(CaseRuleError, match="terminé"):
        skill_declare(actor=case.counsellor, accompaniment=case, skill=skills[0])
