"""Command line: JSON out, French errors on stderr, non-zero exit, never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from trajectoire.schemes.cli import main

FACTS = {"status": "salarie_prive", "working_time_ratio": 1, "highest_qualification_level": 4, "action_type": "vae"}


def run(args: list[str], stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(args, stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def test_evaluate_reads_a_file_and_prints_the_json(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(FACTS), encoding="utf-8")
    code, out = run(["evaluate", "--facts", str(path), "--on", "2026-03-02"])
    assert code == 0
    data = json.loads(out)
    assert data["on"] == "2026-03-02" and data["catalogue_version"]
    cpf = next(s for s in data["schemes"] if s["id"] == "cpf")
    assert cpf["status"] == "eligible"
    assert cpf["amounts"]["annual_credit_eur"] == 500 and cpf["amounts"]["ceiling_eur"] == 5000


def test_evaluate_reads_stdin_with_a_dash() -> None:
    code, out = run(["evaluate", "--facts", "-", "--on", "2024-01-01", "--scheme", "vae"], json.dumps(FACTS))
    assert code == 0
    assert [s["id"] for s in json.loads(out)["schemes"]] == ["vae"]


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (["evaluate", "--facts", "-", "--on", "2026-03-02"], '{"couleur": "bleu"}', "fait inconnu « couleur »"),
        (["evaluate", "--facts", "-", "--on", "2026-03-02"], '{"status": "cadre"}', "« status » doit valoir"),
        (["evaluate", "--facts", "-", "--on", "02/03/2026"], "{}", "date d'évaluation invalide"),
        (["evaluate", "--facts", "-", "--on", "2026-03-02"], "{not json", "JSON invalide"),
        (["evaluate", "--facts", "-", "--on", "2026-03-02"], "[1, 2]", "objet JSON"),
        (["evaluate", "--facts", "/nonexistent/facts.json", "--on", "2026-03-02"], "", "fichier de faits illisible"),
        (["evaluate", "--facts", "-", "--on", "2026-03-02", "--scheme", "cif"], "{}", "dispositif inconnu"),
    ],
)
def test_errors_are_french_and_exit_non_zero(capsys, args, stdin, fragment) -> None:
    code, out = run(args, stdin)
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert err.startswith("Erreur : ") and fragment in err


def test_missing_arguments_exit_non_zero(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["evaluate", "--on", "2026-03-02"])
    assert exit_.value.code == 2
    assert "Erreur" in capsys.readouterr().err


def test_check_validates_and_lists_rules_to_verify() -> None:
    code, out = run(["check"])
    assert code == 0
    assert out.startswith("Catalogue valide : catalogue du ")
    assert "cpf_participation_forfaitaire [draft" in out
    assert "bc_min_duration [draft" in out


def test_check_fails_cleanly_on_a_broken_catalogue(tmp_path: Path, capsys) -> None:
    code, _ = run(["--catalogue", str(tmp_path), "check"])
    err = capsys.readouterr().err
    assert code == 2 and "Erreur" in err and "Traceback" not in err


def test_facts_and_rules_commands_print_json() -> None:
    code, out = run(["facts"])
    assert code == 0 and any(f["name"] == "status" for f in json.loads(out)["facts"])
    code, out = run(["rules"])
    assert code == 0 and any(r["rule"] == "cpf_action_caps" for r in json.loads(out)["rules"])


def test_python_dash_m_entry_point_with_a_bad_fact_has_no_traceback() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "trajectoire.schemes", "evaluate", "--facts", "-", "--on", "2026-03-02"],
        input='{"boeth": "peut-être"}',
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 2
    assert "Traceback" not in process.stderr and "« boeth » doit être un booléen" in process.stderr
