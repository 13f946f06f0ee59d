"""Access funnel of stored funding evaluations: seen with their case, written by who may write the case."""

from trajectoire.cases.access import case_child_funnel
from trajectoire.funding.models import SchemeEvaluation

get_scheme_evaluation_for_user = case_child_funnel(SchemeEvaluation)
