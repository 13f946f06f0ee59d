"""Experiences → skills → pistes → action plan, with a stand-in engine (the real one is tested in
tests/matching and end to end in the browser journey)."""

from datetime import date
from types import SimpleNamespace

import pytest

from tests.factories import AccompanimentFactory
from tests.referentials.helpers import import_fixture_referentials
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases import workflow
from trajectoire.cases.errors import CaseRuleError, StaleEditError
from trajectoire.cases.models import ActionStep, Experience, Piste, ProfileSkill
from trajectoire.cases.profile import (
    ACTION_STEP_DESCRIPTION_MAX_LENGTH,
    EXPERIENCE_ACCOUNT_MAX_LENGTH,
    JOB_TITLE_MAX_LENGTH,
    REASON_EXPERIENCE_DELETED,
    accompaniment_set_area,
    action_step_create,
    action_step_update,
    experience_analyse,
    experience_create,
    experience_delete,
    experience_update,
    piste_decide,
    pistes_compute,
    skill_decide,
    skill_declare,
    skill_remove,
    skill_restore,
)
from trajectoire.cases.services import consent_record
from trajectoire.matching.extract import MAX_TEXT_CHARS
from trajectoire.referentials.models import EmploymentArea, LabourTension, Skill

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


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
        today=TODAY,
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


# --- Removing skills, editing and deleting experiences, editing steps -------------------------------------


def _experience(case, **data):
    values = {
        "job_title": "Agente de service hospitalier",
        "employer_type": "public",
        "started_on": date(2015, 9, 1),
        "ended_on": date(2025, 12, 31),
        "description": "Entretien des chambres, distribution des repas, aide à la toilette avec les aides-soignantes.",
        **data,
    }
    return experience_create(actor=case.counsellor, accompaniment=case, data=values, today=TODAY)


def _analysed(case, skills):
    experience = _experience(case)
    found = experience_analyse(actor=case.counsellor, experience=experience, engine=_engine(skills))
    for skill in found[:2]:
        skill_decide(actor=case.counsellor, skill=skill, accept=True)
    skill_decide(actor=case.counsellor, skill=found[2], accept=False)
    return experience, found


def _events(obj, action):
    return AuditEvent.objects.filter(action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk))


def test_the_account_limit_is_what_the_engine_reads_and_the_others_are_the_columns():
    assert EXPERIENCE_ACCOUNT_MAX_LENGTH == MAX_TEXT_CHARS == 20_000
    assert JOB_TITLE_MAX_LENGTH == Experience._meta.get_field("job_title").max_length == 200
    assert ACTION_STEP_DESCRIPTION_MAX_LENGTH == ActionStep._meta.get_field("description").max_length == 300


def test_removing_a_skill_needs_a_reason_and_keeps_who_when_and_why(case, skills):
    declared = skill_declare(actor=case.counsellor, accompaniment=case, skill=skills[0])
    with pytest.raises(CaseRuleError, match="Dites pourquoi"):
        skill_remove(actor=case.counsellor, skill=declared, reason="  ")
    declared.refresh_from_db()
    assert declared.status == "accepted"
    skill_remove(actor=case.counsellor, skill=declared, reason="La personne ne l'a exercée qu'une semaine.")
    declared.refresh_from_db()
    assert declared.status == "removed"
    assert declared.removal_reason == "La personne ne l'a exercée qu'une semaine."
    assert declared.removed_by == case.counsellor and declared.removed_at is not None
    (event,) = _events(declared, "update")
    assert set(event.fields) == {"status", "removal_reason", "removed_at", "removed_by"}


def test_a_skill_that_is_not_in_the_profile_cannot_be_removed(case, skills):
    _, found = _analysed(case, skills)
    pending = found[3]
    with pytest.raises(CaseRuleError, match="n'est pas dans le profil"):
        skill_remove(actor=case.counsellor, skill=pending, reason="Hors sujet")
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_removed_skill_is_not_proposed_again_by_a_new_analysis(case, skills):
    experience, found = _analysed(case, skills)
    skill_remove(actor=case.counsellor, skill=found[0], reason="Tâche occasionnelle")
    again = experience_analyse(actor=case.counsellor, experience=experience, engine=_engine(skills))
    assert again == []
    found[0].refresh_from_db()
    assert found[0].status == "removed"


def test_pistes_computed_after_a_removal_ignore_the_removed_skill(case, skills):
    _, found = _analysed(case, skills)
    skill_remove(actor=case.counsellor, skill=found[0], reason="Tâche occasionnelle")
    engine = _engine(skills)
    pistes_compute(actor=case.counsellor, accompaniment=case, engine=engine)
    assert engine.asked[-1][1]["skills"] == [found[1].code_ogr]


def test_a_removed_skill_can_be_put_back_in_the_profile(case, skills):
    _, found = _analysed(case, skills)
    skill_remove(actor=case.counsellor, skill=found[0], reason="Erreur de saisie")
    skill_restore(actor=case.counsellor, skill=found[0])
    found[0].refresh_from_db()
    assert (found[0].status, found[0].provenance) == ("accepted", "validated")
    assert (found[0].removal_reason, found[0].removed_at, found[0].removed_by) == ("", None, None)
    with pytest.raises(CaseRuleError, match="n'est pas retirée"):
        skill_restore(actor=case.counsellor, skill=found[0])


def test_an_oversized_account_is_refused_and_nothing_is_stored(case):
    with pytest.raises(CaseRuleError) as refused:
        _experience(case, description="soin " * 4903)  # 24,515 characters
    assert "Le récit ne peut dépasser 20\u202f000\u00a0caractères (il en compte 24\u202f515)" in refused.value.message
    assert refused.value.field == "description"
    assert not Experience.objects.exists()


def test_an_account_of_exactly_the_limit_is_accepted(case):
    experience = _experience(case, description="a" * EXPERIENCE_ACCOUNT_MAX_LENGTH)
    assert len(experience.description) == 20_000


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"started_on": date(2026, 3, 11), "ended_on": None}, "started_on", "dans le futur"),
        ({"started_on": date(1949, 12, 31)}, "started_on", "précède 1950"),
        ({"started_on": date(2020, 1, 1), "ended_on": date(2019, 12, 31)}, "ended_on", "doit suivre le début"),
        ({"ended_on": date(2027, 1, 1)}, "ended_on", "dans le futur"),
    ],
)
def test_implausible_experience_dates_are_refused_in_french(case, dates, field, message):
    with pytest.raises(CaseRuleError, match=message) as refused:
        _experience(case, **dates)
    assert refused.value.field == field
    assert not Experience.objects.exists()


def test_an_experience_ending_today_is_plausible(case):
    assert _experience(case, ended_on=TODAY).ended_on == TODAY


def _edit(case, experience, base_version, **changes):
    data = {
        name: getattr(experience, name)
        for name in ("job_title", "job_title_code", "employer_type", "started_on", "ended_on", "description")
    }
    return experience_update(
        actor=case.counsellor,
        experience=experience,
        data={**data, **changes},
        base_version=base_version,
        today=TODAY,
    )


def test_editing_an_experience_from_a_stale_form_is_refused_and_keeps_the_first_save(case):
    experience = _experience(case)
    opened_at = experience.version
    assert _edit(case, experience, opened_at, job_title="ASH en EHPAD") == ["job_title"]
    assert _events(experience, "update").get().fields == ["job_title"]
    stale = Experience.objects.get(pk=experience.pk)
    with pytest.raises(StaleEditError, match="modifiée par quelqu'un d'autre"):
        _edit(case, stale, opened_at, description="Autre récit")
    experience.refresh_from_db()
    assert experience.job_title == "ASH en EHPAD"
    assert experience.description.startswith("Entretien des chambres")
    assert experience.version == opened_at + 1


def test_an_edit_is_held_to_the_same_limits_as_a_creation(case):
    experience = _experience(case)
    with pytest.raises(CaseRuleError, match="20\u202f000"):
        _edit(case, experience, experience.version, description="x" * 20_001)
    with pytest.raises(CaseRuleError, match="dans le futur"):
        _edit(case, experience, experience.version, ended_on=date(2030, 1, 1))
    experience.refresh_from_db()
    assert experience.version == 1 and len(experience.description) < 200


def test_deleting_an_experience_can_keep_its_skills_in_the_profile_unlinked(case, skills):
    experience, found = _analysed(case, skills)
    experience_delete(
        actor=case.counsellor, experience=experience, base_version=experience.version, remove_skills=False
    )
    assert not Experience.objects.exists()
    kept = {s.code_ogr: s for s in ProfileSkill.objects.all()}
    assert [kept[f.code_ogr].status for f in found] == ["accepted", "accepted", "rejected", "pending"]
    assert all(s.experience_id is None for s in kept.values())
    assert kept[found[0].code_ogr].provenance == "validated"
    assert kept[found[0].code_ogr].evidence == "mot0"
    assert AuditEvent.objects.filter(action="delete", object_type="cases.experience").count() == 1


def test_deleting_an_experience_can_remove_its_skills_with_the_reason(case, skills):
    experience, found = _analysed(case, skills)
    experience_delete(
        actor=case.counsellor, experience=experience, base_version=experience.version, remove_skills=True
    )
    kept = {s.code_ogr: s for s in ProfileSkill.objects.all()}
    assert [kept[f.code_ogr].status for f in found] == ["removed", "removed", "rejected", "removed"]
    assert kept[found[0].code_ogr].removal_reason == REASON_EXPERIENCE_DELETED == "expérience supprimée"
    assert kept[found[0].code_ogr].removed_by == case.counsellor
    # A new experience telling the same things does not bring them back unasked.
    again = experience_analyse(actor=case.counsellor, experience=_experience(case), engine=_engine(skills))
    assert again == []


def test_deleting_an_experience_changed_since_the_page_was_shown_is_refused(case, skills):
    experience, _ = _analysed(case, skills)
    shown_at = experience.version
    _edit(case, experience, shown_at, job_title="ASH de nuit")
    with pytest.raises(StaleEditError, match="rien n'a été supprimé"):
        experience_delete(actor=case.counsellor, experience=experience, base_version=shown_at, remove_skills=True)
    assert Experience.objects.filter(pk=experience.pk).exists()
    assert not ProfileSkill.objects.filter(status="removed").exists()


def _step(case, skills):
    skill_declare(actor=case.counsellor, accompaniment=case, skill=skills[0])
    pistes = pistes_compute(actor=case.counsellor, accompaniment=case, engine=_engine(skills))
    piste_decide(actor=case.counsellor, piste=pistes[0], decision="retained", reason="Goût du soin")
    step = action_step_create(
        actor=case.counsellor,
        accompaniment=case,
        data={"kind": "immersion", "description": "PMSMP en EHPAD", "target_date": date(2026, 4, 15), "piste": None},
    )
    return step, pistes


def test_an_action_step_is_edited_with_optimistic_locking(case, skills):
    step, pistes = _step(case, skills)
    opened_at = step.version
    data = {"kind": "immersion", "description": "PMSMP de deux semaines en EHPAD", "target_date": None}
    changed = action_step_update(
        actor=case.counsellor, step=step, data={**data, "piste": pistes[0]}, base_version=opened_at
    )
    assert changed == ["description", "target_date", "piste"]
    with pytest.raises(StaleEditError, match="rien n'a été enregistré"):
        action_step_update(actor=case.counsellor, step=step, data={**data, "kind": "training"}, base_version=opened_at)
    step.refresh_from_db()
    assert (step.kind, step.piste, step.version) == ("immersion", pistes[0], opened_at + 1)


def test_an_action_step_only_hangs_off_a_retained_piste_and_keeps_its_length(case, skills):
    step, pistes = _step(case, skills)
    with pytest.raises(CaseRuleError, match="piste retenue"):
        action_step_update(
            actor=case.counsellor,
            step=step,
            data={"kind": "immersion", "description": "PMSMP", "piste": pistes[1]},
            base_version=step.version,
        )
    with pytest.raises(CaseRuleError, match="ne peut dépasser 300"):
        action_step_update(
            actor=case.counsellor, step=step, data={"description": "é" * 301}, base_version=step.version
        )
    with pytest.raises(CaseRuleError, match="ne peut dépasser 300"):
        action_step_create(
            actor=case.counsellor, accompaniment=case, data={"kind": "training", "description": "é" * 301}
        )
    step.refresh_from_db()
    assert (step.description, step.version) == ("PMSMP en EHPAD", 1)


def test_a_closed_case_keeps_its_experiences_skills_and_steps_as_they_are(case, skills):
    experience, found = _analysed(case, skills)
    step, _ = _step(case, skills)
    case.state = "closed"
    case.save(update_fields=["state"])
    experience.refresh_from_db()
    with pytest.raises(CaseRuleError, match="terminé"):
        _edit(case, experience, experience.version, job_title="Autre")
    with pytest.raises(CaseRuleError, match="terminé"):
        experience_delete(actor=case.counsellor, experience=experience, base_version=1, remove_skills=True)
    skill = ProfileSkill.objects.get(pk=found[0].pk)
    with pytest.raises(CaseRuleError, match="terminé"):
        skill_remove(actor=case.counsellor, skill=skill, reason="x")
    step = type(step).objects.get(pk=step.pk)
    with pytest.raises(CaseRuleError, match="terminé"):
        action_step_update(actor=case.counsellor, step=step, data={"description": "x"}, base_version=1)
    assert Experience.objects.get().job_title == "Agente de service hospitalier"
    assert ProfileSkill.objects.get(pk=found[0].pk).status == "accepted"


def test_a_removed_skill_is_not_brought_back_by_a_stale_decision(case, skills):
    _, found = _analysed(case, skills)
    skill_remove(actor=case.counsellor, skill=found[0], reason="Hors sujet")
    with pytest.raises(CaseRuleError, match="« retirée du profil » : rien n'a changé"):
        skill_decide(actor=case.counsellor, skill=found[0], accept=True)
    assert ProfileSkill.objects.get(pk=found[0].pk).status == "removed"
