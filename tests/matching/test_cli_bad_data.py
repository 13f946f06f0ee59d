"""`python -m trajectoire.matching` on a malformed --data-dir: exit status 3, one French line, no traceback.

Kept apart from test_cli.py (which another change edits at the same time); the folders come from the small set
of tests/matching/test_loader.py, so no engine is loaded when the data is refused.
"""

import gzip
import io
import subprocess
import sys

import pytest

from tests.matching.test_loader import HEADERS, ROWS, csv_text, path_of, rewrite
from trajectoire.manifest import write_manifest
from trajectoire.matching.cli import EXIT_BAD_DATA, main
from trajectoire.matching.loader import repo_root


@pytest.fixture
def small_set(tmp_path):
    folder = tmp_path / "v460"
    folder.mkdir()
    for name in HEADERS:
        path_of(folder, name).write_bytes(gzip.compress(csv_text(name).encode()))
    return folder


def truncated_gzip(folder):
    path = path_of(folder, "coherence_item")
    path.write_bytes(path.read_bytes()[:-12])


def header_only(folder):
    for name in HEADERS:
        rewrite(folder, name, csv_text(name, []).encode())


def cut_competence_line(folder):
    text = csv_text("referentiel_competence")
    rewrite(folder, "referentiel_competence", text[: text.rindex(",")].encode())


def missing_knowledge_file(folder):
    path_of(folder, "referentiel_savoir").unlink()


def utf16_file(folder):
    rewrite(folder, "item", csv_text("item").encode("utf-16"))


def manifest_mismatch(folder):
    write_manifest(folder, version="460")
    rewrite(folder, "rubrique_mobilite", csv_text("rubrique_mobilite", ROWS["rubrique_mobilite"][:1]).encode())


DEFECTS = {
    "truncated gzip": (truncated_gzip, "compressé tronqué"),
    "header-only files": (header_only, "aucune ligne de données"),
    "competence line cut mid-way": (cut_competence_line, "champ(s) au lieu des"),
    "missing knowledge file": (missing_knowledge_file, "referentiel_savoir"),
    "UTF-16 file": (utf16_file, "encodage invalide"),
    "manifest mismatch": (manifest_mismatch, "MANIFEST.json"),
}


@pytest.mark.parametrize("defect", DEFECTS)
@pytest.mark.parametrize("command", [["extract", "--texts", "-"], ["recommend", "--profiles", "-"]])
def test_each_malformed_folder_exits_3_with_one_french_line(small_set, defect, command):
    spoil, fragment = DEFECTS[defect]
    spoil(small_set)
    out, err = io.StringIO(), io.StringIO()
    code = main([*command, "--data-dir", str(small_set)], stdout=out, stderr=err, stdin=io.StringIO("{}\n"))
    assert code == EXIT_BAD_DATA == 3
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("données ROME illisibles") and fragment in lines[0], lines
    assert out.getvalue() == ""


@pytest.mark.parametrize("defect", ["truncated gzip", "header-only files"])
def test_the_module_entry_point_shows_no_traceback(small_set, defect):
    DEFECTS[defect][0](small_set)
    proc = subprocess.run(
        [sys.executable, "-m", "trajectoire.matching", "extract", "--texts", "-", "--data-dir", str(small_set)],
        input='{"id": "x", "text": "boulangère"}\n',
        capture_output=True,
        text=True,
        cwd=repo_root(),
        timeout=60,
    )
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert DEFECTS[defect][1] in proc.stderr


def test_train_ranker_refuses_a_malformed_folder_the_same_way(small_set):
    pytest.importorskip("sklearn")  # without it, train-ranker stops earlier (exit 3, « installez scikit-learn »)
    truncated_gzip(small_set)
    out, err = io.StringIO(), io.StringIO()
    assert main(["train-ranker", "--data-dir", str(small_set)], stdout=out, stderr=err) == 3
    assert len(err.getvalue().splitlines()) == 1 and "compressé tronqué" in err.getvalue()
