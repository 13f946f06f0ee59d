"""How a result is worded for counsellors: the remaining cost line, amounts and the catalogue's version."""

from datetime import date

from trajectoire.funding.presentation import answer_label, catalogue_label, headline, scheme_views
from trajectoire.schemes import evaluate, load_catalogue

CPF_BILAN = {
    "status": "salarie_prive",
    "framework": "cpf",
    "action_type": "bilan_competences",
    "beneficiary_consent": True,
    "bilan_funded_by_funder_last_5_years": False,
}


def _bilan(facts, on=date(2026, 3, 2)):
    result = evaluate(load_catalogue(), facts, on, schemes=["bilan_competences"]).to_dict()
    return result, result["schemes"][0]


def test_a_price_above_the_cpf_cap_shows_the_remaining_cost_and_the_rules_confidence():
    _, bilan = _bilan({**CPF_BILAN, "action_price_eur": 1890})
    assert headline(bilan) == (
        "Possible — reste à charge : 290,00\u00a0€ (plafond CPF 1\u202f600\u00a0€ ; confiance moyenne, à vérifier)"
    )


def test_a_price_within_the_cap_shows_no_remaining_cost():
    _, bilan = _bilan({**CPF_BILAN, "action_price_eur": 1450.5})
    assert headline(bilan).startswith("Possible — reste à charge : 0,00\u00a0€ (plafond CPF 1\u202f600\u00a0€")


def test_an_unknown_price_says_the_remaining_cost_is_to_be_specified():
    _, bilan = _bilan(CPF_BILAN)
    assert headline(bilan) == (
        "Possible — reste à charge à préciser (prix de l'action inconnu ; plafond CPF 1\u202f600\u00a0€ ; "
        "confiance moyenne, à vérifier)"
    )


def test_without_a_cap_the_status_stands_alone():
    _, before = _bilan({**CPF_BILAN, "action_price_eur": 1890}, on=date(2026, 2, 25))
    assert headline(before) == "Possible"
    _, plan = _bilan({**CPF_BILAN, "framework": "plan_developpement_competences", "action_price_eur": 1890})
    assert headline(plan) == "Possible"


def test_a_refused_scheme_never_mentions_a_remaining_cost():
    _, bilan = _bilan({**CPF_BILAN, "bilan_funded_by_funder_last_5_years": True, "action_price_eur": 1890})
    assert headline(bilan) == "Pas possible"


def test_amounts_and_prices_use_french_typography():
    catalogue = load_catalogue()
    result, _ = _bilan({**CPF_BILAN, "action_price_eur": 1890})
    view = scheme_views(result, catalogue)[0]
    assert ("Reste à charge au-delà du plafond CPF", "290\u00a0€") in view.amounts
    assert ("Plafond CPF pour un bilan", "1\u202f600\u00a0€") in view.amounts
    assert answer_label(catalogue, "action_price_eur", 1890.0) == "1\u202f890,00\u00a0€"


def test_the_catalogue_version_reads_as_a_date_and_a_rule_count():
    catalogue = load_catalogue()
    result, _ = _bilan(CPF_BILAN)
    assert catalogue_label(result, catalogue) == catalogue.label
    assert catalogue.label.startswith("catalogue du 1er décembre 2026, ") and catalogue.label.endswith(" règles")
    older = {"catalogue_version": "2026.11.1+4b7bf2bdc1"}
    assert catalogue_label(older, catalogue) == "catalogue 2026.11.1+4b7bf2bdc1"
