"""Speed of the schemes engine: time to evaluate every scheme for one situation (bar: p95 <= 5 ms).

Run: .venv/bin/python bench/schemes_speed.py [--runs N]
Prints the catalogue load time, then p50 / p95 / max per evaluation over N runs of a full situation (all facts
known) and of a sparse one (most facts missing, the worst case for three-valued logic). Exits 1 if a p95 is over
the bar.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout without installing

from trajectoire.schemes import evaluate, load_catalogue  # noqa: E402

BAR_MS = 5.0
ON = date(2026, 3, 2)
FULL = {
    "status": "salarie_prive",
    "contract_type": "CDI",
    "private_law_contract": True,
    "working_time_ratio": 0.8,
    "highest_qualification_level": 4,
    "salaried_months_total": 96,
    "salaried_months_current_company": 40,
    "salaried_months_last_5_years": 60,
    "cdd_months_last_12_months": 0,
    "days_worked_last_60_months": 1350,
    "mainly_self_insured_employer_recent": False,
    "boeth": False,
    "cep_requested_before_resignation": True,
    "project_type": "changement_metier_formation_certifiante",
    "transitions_pro_real_serious_attestation": False,
    "is_job_seeker": False,
    "employer_abondement": False,
    "uses_c2p_points_for_reconversion": False,
    "uses_atmp_incapacity_abondement": False,
    "bilan_funded_by_funder_last_5_years": False,
    "action_type": "bilan_competences",
    "during_working_time": False,
    "framework": "cpf",
    "reference_salary_in_smic": 1.6,
    "training_elapsed_months": 0,
    "beneficiary_consent": True,
    "experience_related_to_target_certification": True,
    "target_registered_rncp": True,
    "positioning_done": False,
    "reconversion_mobility": "interne",
}
SPARSE = {"status": "salarie_prive"}


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def measure(label: str, facts: dict[str, object], runs: int) -> float:
    catalogue = load_catalogue()
    for _ in range(50):  # warm-up
        evaluate(catalogue, facts, ON)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        evaluate(catalogue, facts, ON)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p50, p95 = percentile(timings, 0.50), percentile(timings, 0.95)
    print(
        f"{label:<28} runs={runs} p50={p50:.3f} ms p95={p95:.3f} ms max={timings[-1]:.3f} ms "
        f"mean={statistics.fmean(timings):.3f} ms"
    )
    return p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()

    start = time.perf_counter()
    catalogue = load_catalogue()
    print(f"catalogue {catalogue.version}: {len(catalogue.schemes)} schemes, {len(catalogue.rules)} rules")
    print(f"load (parse + validate, first call)   {(time.perf_counter() - start) * 1000:.1f} ms")
    worst = max(
        measure("all schemes, full facts", FULL, args.runs),
        measure("all schemes, sparse facts", SPARSE, args.runs),
    )
    verdict = "OK" if worst <= BAR_MS else "TOO SLOW"
    print(f"bar p95 <= {BAR_MS} ms: {verdict} (worst p95 {worst:.3f} ms)")
    return 0 if worst <= BAR_MS else 1


if __name__ == "__main__":
    sys.exit(main())
