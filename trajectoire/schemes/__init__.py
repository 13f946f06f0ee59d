"""Schemes (« dispositifs ») engine: a dated, sourced rule catalogue and a pure evaluator. No Django here.

Public API::

    from trajectoire.schemes import load_catalogue, evaluate
    catalogue = load_catalogue()                      # validated once, cached
    result = evaluate(catalogue, {"status": "salarie_prive"}, on=date(2026, 3, 1))
    result.to_dict()                                  # the JSON of `python -m trajectoire.schemes evaluate`
    catalogue.fact_definitions(result.missing_facts)  # questions (French) and help texts to ask next
    catalogue.rule_rows()                             # every rule version: dates, sources, confidence, status
    catalogue.to_verify()                             # draft / unverified / low-confidence versions (« à vérifier »)
"""

from trajectoire.schemes.errors import CatalogueError, FactError, SchemesError
from trajectoire.schemes.evaluator import STATUSES, Evaluation, Reason, SchemeResult, evaluate
from trajectoire.schemes.facts import FactDefinition
from trajectoire.schemes.loader import Catalogue, RuleRow, Scheme, load_catalogue

__all__ = [
    "STATUSES",
    "Catalogue",
    "CatalogueError",
    "Evaluation",
    "FactDefinition",
    "FactError",
    "Reason",
    "RuleRow",
    "Scheme",
    "SchemeResult",
    "SchemesError",
    "evaluate",
    "load_catalogue",
]
