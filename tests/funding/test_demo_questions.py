"""The funding panel of each demo bilan asks only what can change its answer (issue 10, item 8: it asked 28).

Run with `-s` to print the count per demo bilan:
    .venv/bin/pytest -q -n 0 -s tests/funding/test_demo_questions.py
"""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from trajectoire.cases.models import Accompaniment

pytestmark = pytest.mark.django_db

MAX_QUESTIONS = 3
# Facts that only the PTP, the démission-reconversion or temporary work read: never asked for a plain bilan.
TRAINING_FACTS = {
    "interim_hours_branch_last_18_months",
    "interim_hours_current_ett_last_18_months",
    "salaried_months_total",
    "salaried_months_current_company",
    "salaried_months_last_5_years",
    "cdd_months_last_12_months",
    "days_worked_last_60_months",
    "contract_type",
    "cep_requested_before_resignation",
    "transitions_pro_real_serious_attestation",
    "positioning_done",
    "reference_salary_in_smic",
    "training_elapsed_months",
    "project_type",
}


def _asked(response) -> list[str]:
    return [field.name for _, fields in response.context["question_groups"] for field in fields]


def test_each_demo_bilan_asks_at_most_three_questions_and_nothing_about_training(client):
    call_command("load_demo", "--quiet-logins")
    cases = list(Accompaniment.objects.filter(kind="bilan").select_related("beneficiary", "counsellor"))
    assert len(cases) >= 7
    rows = []
    for case in cases:
        client.force_login(case.counsellor)
        url = reverse("web:case_funding", args=[case.pk])
        # Cases still at the request stage have no planned start: evaluate them on a fixed date.
        params = {} if case.planned_start else {"on": date(2026, 10, 1).isoformat()}
        response = client.get(url, params)
        assert response.status_code == 200
        asked = _asked(response)
        everything = client.get(url, {**params, "tous": "1"})
        rows.append((case.beneficiary.last_name, case.funder, len(asked), len(_asked(everything)), asked))
        assert len(asked) <= MAX_QUESTIONS, (case.beneficiary.last_name, asked)
        assert not set(asked) & TRAINING_FACTS, (case.beneficiary.last_name, asked)
        assert response.context["question_count"] == len(asked)
    print("\nQuestions du panneau « Pistes de financement » par bilan de démonstration :")
    for name, funder, count, every, asked in rows:
        print(f"  {name:<11} financeur={funder:<15} {count} question(s) (tous dispositifs : {every}) {asked}")


def test_a_plain_cpf_bilan_shows_its_remaining_cost_beyond_the_cap_first(csrf_client):
    client = csrf_client
    call_command("load_demo", "--quiet-logins")
    case = Accompaniment.objects.filter(kind="bilan", funder="cpf", planned_start__isnull=False).first()
    case.price_eur = 1890
    case.save(update_fields=["price_eur"])
    client.force_login(case.counsellor)
    url = reverse("web:case_funding", args=[case.pk])
    page = client.get(url, {"on": "2026-10-01"})
    assert page.context["schemes"][0].headline.startswith("À préciser — reste à charge : 290,00")
    # Answer the one question left, re-posting what the page already knows (as the browser does).
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    data["on"] = "2026-10-01"
    data["csrfmiddlewaretoken"] = str(page.context["csrf_token"])
    response = client.post(url, {**data, "bilan_funded_by_funder_last_5_years": "non"})
    assert response.context["question_count"] == 0
    html = response.content.decode()
    headline = (
        "Possible — reste à charge : 290,00\u00a0€ (plafond CPF 1\u202f600\u00a0€ ; confiance moyenne, à vérifier)"
    )
    assert headline in html
    # Results come before the questions and the summary of what is known.
    assert html.index(headline) < html.index("Déjà connu")
    assert "1\u202f890,00\u00a0€" in html  # the price, in the summary of known facts
