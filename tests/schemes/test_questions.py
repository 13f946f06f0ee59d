"""Which questions the engine asks next: relevant schemes only, facts that can still change an answer, most
decisive first. Pure: no database."""

from __future__ import annotations

from datetime import date

import pytest

from trajectoire.schemes import load_catalogue
from trajectoire.schemes.questions import candidate_values, plan_questions, relevant_schemes

ON = date(2026, 10, 1)
CPF_BILAN = {
    "status": "salarie_prive",
    "private_law_contract": True,
    "action_type": "bilan_competences",
    "framework": "cpf",
    "initiated_by": "beneficiaire",
    "beneficiary_consent": True,
    "action_price_eur": 1600,
}
TEMPORARY_WORK_AND_PTP = {
    "interim_hours_branch_last_18_months",
    "interim_hours_current_ett_last_18_months",
    "salaried_months_total",
    "salaried_months_current_company",
    "cdd_months_last_12_months",
    "positioning_done",
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_a_bilan_examines_the_bilan_and_the_cep_and_leaves_training_schemes_aside(catalogue) -> None:
    examined, others = relevant_schemes(catalogue, CPF_BILAN, ON)
    assert examined == ["bilan_competences", "cep"]
    assert {"ptp", "demission_reconversion", "cpf", "vae"} <= set(others)


def test_a_project_with_a_certifying_training_brings_the_ptp_and_the_resignation_in(catalogue) -> None:
    facts = {**CPF_BILAN, "project_type": "changement_metier_formation_certifiante"}
    examined, _ = relevant_schemes(catalogue, facts, ON)
    assert {"bilan_competences", "cep", "cpf", "ptp", "demission_reconversion", "periode_reconversion"} <= set(
        examined
    )


def test_a_plain_cpf_bilan_asks_one_question_and_nothing_about_temporary_work_or_the_ptp(catalogue) -> None:
    plan = plan_questions(catalogue, CPF_BILAN, ON)
    assert [q.fact for q in plan.questions] == ["bilan_funded_by_funder_last_5_years"]
    assert plan.count == 1
    assert plan.questions[0].decides == ("bilan_competences",)
    assert [g.label for g in plan.groups] == ["Action et financement"]
    assert [s.id for s in plan.evaluation.schemes] == ["bilan_competences", "cep"]


def test_facts_already_known_from_the_case_are_never_asked(catalogue) -> None:
    plan = plan_questions(catalogue, CPF_BILAN, ON, every_scheme=True)
    asked = {q.fact for q in plan.questions}
    assert not asked & set(CPF_BILAN)


def test_an_excluded_scheme_asks_nothing_more(catalogue) -> None:
    plan = plan_questions(catalogue, {**CPF_BILAN, "beneficiary_consent": False}, ON)
    assert plan.evaluation.scheme("bilan_competences").status == "not_eligible"
    assert plan.count == 0


def test_a_scheme_decided_by_known_facts_asks_nothing(catalogue) -> None:
    plan = plan_questions(catalogue, {**CPF_BILAN, "framework": "plan_developpement_competences"}, ON)
    assert plan.evaluation.scheme("bilan_competences").status == "eligible"
    assert plan.count == 0


def test_facts_that_cannot_change_any_open_result_alone_are_not_asked(catalogue) -> None:
    plan = plan_questions(catalogue, CPF_BILAN, ON, every_scheme=True)
    asked = {q.fact for q in plan.questions}
    missing = set(plan.evaluation.missing_facts)
    assert asked < missing  # the probe drops some of the engine's missing facts
    assert not asked & TEMPORARY_WORK_AND_PTP  # the PTP's seniority waits until its project is known
    assert "project_type" in asked


def test_once_the_project_is_known_the_ptp_keeps_its_own_questions(catalogue) -> None:
    facts = {**CPF_BILAN, "project_type": "changement_metier_formation_certifiante"}
    plan = plan_questions(catalogue, facts, ON)
    by_scheme = {s for q in plan.questions for s in q.decides}
    assert "ptp" in by_scheme
    assert plan.evaluation.scheme("ptp").status == "undetermined"


def test_the_fact_that_decides_most_schemes_comes_first(catalogue) -> None:
    plan = plan_questions(catalogue, CPF_BILAN, ON, every_scheme=True)
    first = plan.groups[0].questions[0]
    assert first.fact == "bilan_funded_by_funder_last_5_years"
    assert set(first.decides) == {"bilan_competences", "cpf"}
    weights = [max(q.weight for q in g.questions) for g in plan.groups]
    assert weights == sorted(weights, reverse=True)
    for group in plan.groups:
        inner = [q.weight for q in group.questions]
        assert inner == sorted(inner, reverse=True)


def test_an_unknown_price_is_asked_for_a_cpf_bilan_after_the_2026_cap(catalogue) -> None:
    facts = {k: v for k, v in CPF_BILAN.items() if k != "action_price_eur"}
    plan = plan_questions(catalogue, {**facts, "bilan_funded_by_funder_last_5_years": False}, ON)
    assert [q.fact for q in plan.questions] == ["action_price_eur"]
    before_cap = plan_questions(catalogue, {**facts, "bilan_funded_by_funder_last_5_years": False}, date(2026, 2, 1))
    assert before_cap.count == 0  # no cap yet, the price changes nothing


def test_numeric_candidates_surround_each_threshold_of_the_catalogue(catalogue) -> None:
    values = candidate_values(catalogue, "interim_hours_branch_last_18_months")
    assert {1599, 1600, 1601} <= set(values)
    assert candidate_values(catalogue, "boeth") == [True, False]
    ratio = candidate_values(catalogue, "working_time_ratio")
    assert min(ratio) >= 0 and max(ratio) <= 1 and 0.5 in ratio
