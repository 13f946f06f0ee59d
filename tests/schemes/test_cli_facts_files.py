"""Reading facts files: UTF-8 with or without BOM; other encodings, huge or deeply nested files are refused in
French with exit status 2 (the CLI's convention for every error), never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from trajectoire.schemes.cli import MAX_FACTS_DEPTH, main

FACTS = {"status": "salarie_prive", "working_time_ratio": 1, "highest_qualification_level": 4, "action_type": "vae"}
ROOT = Path(__file__).parents[2]


def evaluate(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["evaluate", "--facts", str(path), "--on", "2026-03-02", "--scheme", "vae"], stdout=out)
    return code, out.getvalue()


def test_a_utf8_file_with_a_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "faits.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(FACTS, ensure_ascii=False).encode())
    code, out = evaluate(path)
    assert code == 0 and [s["id"] for s in json.loads(out)["schemes"]] == ["vae"]


def test_a_bom_on_text_stdin_is_dropped() -> None:
    out = io.StringIO()
    code = main(["evaluate", "--facts", "-", "--on", "2026-03-02"], stdin=io.StringIO("\ufeff{}"), stdout=out)
    assert code == 0 and json.loads(out.getvalue())["on"] == "2026-03-02"


@pytest.mark.parametrize(
    ("encoding", "fragment"),
    [("utf-16", "encodé en UTF-16"), ("utf-16-le", "encodé en UTF-16"), ("cp1252", "n'est pas en UTF-8 (octet 0xe9")],
)
def test_another_encoding_is_refused_in_french(tmp_path: Path, capsys, encoding: str, fragment: str) -> None:
    path = tmp_path / "faits.json"
    path.write_bytes(json.dumps({"status": "salarie_prive", "note": "é"}, ensure_ascii=False).encode(encoding))
    code, out = evaluate(path)
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert err.startswith("Erreur : ") and fragment in err and "enregistrez le fichier de faits en UTF-8" in err


def test_deep_nesting_is_refused_before_json_recursion(tmp_path: Path, capsys) -> None:
    path = tmp_path / "profond.json"
    path.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    code, _ = evaluate(path)
    err = capsys.readouterr().err
    assert code == 2 and f"plus de {MAX_FACTS_DEPTH} niveaux" in err


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path, capsys) -> None:
    path = tmp_path / "faits.json"
    path.write_text(json.dumps({**FACTS, "x": '[{\\"' * 60}), encoding="utf-8")
    code, _ = evaluate(path)
    err = capsys.readouterr().err
    assert code == 2 and "fait inconnu « x »" in err  # read as JSON, then refused for the unknown fact


def test_a_huge_file_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "gros.json"
    path.write_text('{"status": "' + "x" * 1_100_000 + '"}', encoding="utf-8")
    code, _ = evaluate(path)
    assert code == 2 and "trop volumineux" in capsys.readouterr().err


@pytest.mark.parametrize(
    "payload",
    [json.dumps(FACTS).encode("utf-16"), b"[" * 100_000 + b"]" * 100_000],
    ids=["utf-16", "deep"],
)
def test_the_entry_point_on_stdin_has_no_traceback(payload: bytes) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "trajectoire.schemes", "evaluate", "--facts", "-", "--on", "2026-03-02"],
        input=payload,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    stderr = process.stderr.decode()
    assert process.returncode == 2
    assert "Traceback" not in stderr and stderr.startswith("Erreur : ") and len(stderr.splitlines()) == 1
