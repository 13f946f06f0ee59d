"""Imports that cannot wipe the referential: empty or cut files, the shrink guard, manifests, label repairs."""

import json
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.referentials.helpers import ROME_V460, TENSION
from trajectoire.manifest import write_manifest
from trajectoire.referentials.importers.labels import AccentRestorer, AreaNamer
from trajectoire.referentials.importers.rome import rome_counts
from trajectoire.referentials.importers.tension import tension_counts
from trajectoire.referentials.models import (
    Commune,
    EmploymentArea,
    JobTitle,
    Mobility,
    Occupation,
    OccupationItem,
    ReferentialVersion,
    Skill,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).parents[2]


def copy_set(tmp_path: Path, source: Path = ROME_V460) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def csv_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def keep_lines(path: Path, count: int) -> None:
    """The first `count` lines (header included), like `head -n`: a download cut at a line boundary."""
    path.write_text("\n".join(csv_lines(path)[:count]) + "\n", encoding="utf-8")


def active_counts() -> dict:
    return {**rome_counts(), "items": OccupationItem.objects.active().count()}


def import_rome(*args, stderr=None):
    out = StringIO()
    call_command("import_rome", "--json", *args, stdout=out, stderr=stderr or StringIO())
    return json.loads(out.getvalue())


def refused_json(*args) -> tuple[dict, str]:
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_rome", "--json", *args, stdout=out)
    return json.loads(out.getvalue()), str(error.value)


# --- Empty and cut files ----------------------------------------------------------------------------------


def test_a_header_only_folder_is_refused_and_changes_nothing(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    for path in directory.glob("unix_*.csv"):
        keep_lines(path, 1)
    before = active_counts()
    with pytest.raises(CommandError) as error:
        call_command("import_rome", "--data-dir", str(directory))
    message = str(error.value)
    assert message.startswith("Import ROME annulé, rien n'a été modifié.")
    assert "aucune ligne de données sous l'en-tête" in message
    assert active_counts() == before and before["occupations"] == 4


def test_a_header_only_folder_is_refused_on_an_empty_database_too(tmp_path, db):
    # Otherwise « version 460 » would be recorded with nothing in it, and `--if-empty` would skip forever.
    directory = copy_set(tmp_path)
    for path in directory.glob("unix_*.csv"):
        keep_lines(path, 1)
    with pytest.raises(CommandError, match="aucune ligne de données"):
        call_command("import_rome", "--data-dir", str(directory))
    assert not ReferentialVersion.objects.exists() and not Occupation.objects.exists()


# --- The shrink guard -------------------------------------------------------------------------------------


def test_a_cut_mobility_file_is_refused_with_the_counts_in_json(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    keep_lines(directory / "unix_rubrique_mobilite_v460_utf8.csv", 2)  # 1 link of 2 left
    before = active_counts()
    summary, message = refused_json("--data-dir", str(directory))
    assert summary["status"] == "refused" and summary["max_shrink"] == 2.0
    assert summary["refusals"] == [{"table": "mobilities", "active": 2, "would_deactivate": 1, "percent": 50.0}]
    # Same keys as a summary first (the public contract), figures of the database as it stays.
    assert list(summary)[:11] == [
        "version", "occupations", "job_titles", "skills", "knowledge", "work_contexts", "mobilities",
        "created", "updated", "unchanged", "deactivated",
    ]  # fmt: skip
    assert summary["mobilities"] == 2 and summary["created"] == summary["deactivated"] == 0
    assert message.startswith("Import ROME refusé, rien n'a été modifié : ")
    assert "mobilités : 1 ligne(s) active(s) sur 2 seraient désactivées (50\u00a0%)" in message
    assert "--allow-shrink" in message
    assert active_counts() == before


def test_allow_shrink_lets_a_wanted_reduction_through(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    keep_lines(directory / "unix_rubrique_mobilite_v460_utf8.csv", 2)
    summary = import_rome("--data-dir", str(directory), "--allow-shrink")
    assert "status" not in summary and summary["mobilities"] == 1 and summary["deactivated"] == 1
    assert Mobility.objects.filter(is_active=False).count() == 1


def test_max_shrink_sets_the_threshold(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    keep_lines(directory / "unix_rubrique_mobilite_v460_utf8.csv", 2)
    summary, _ = refused_json("--data-dir", str(directory), "--max-shrink", "49,5")
    assert summary["max_shrink"] == 49.5
    assert import_rome("--data-dir", str(directory), "--max-shrink", "50")["mobilities"] == 1


def test_a_small_loss_under_the_threshold_goes_through(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    path = directory / "unix_referentiel_appellation_v460_utf8.csv"
    lines = csv_lines(path)
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # 1 job title of 39: 2.6 %, refused
    summary, _ = refused_json("--data-dir", str(directory))
    assert summary["refusals"][0]["table"] == "job_titles"
    assert import_rome("--data-dir", str(directory), "--max-shrink", "3")["job_titles"] == 38


def test_losing_every_row_of_a_table_needs_allow_shrink_whatever_the_threshold(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    path = directory / "unix_rubrique_mobilite_v460_utf8.csv"
    header = csv_lines(path)[0]
    path.write_text(header + '\n"J1501","N1103","1"\n', encoding="utf-8")  # neither old link is left
    summary, _ = refused_json("--data-dir", str(directory), "--max-shrink", "100")
    assert summary["refusals"] == [{"table": "mobilities", "active": 2, "would_deactivate": 2, "percent": 100.0}]
    assert import_rome("--data-dir", str(directory), "--allow-shrink")["mobilities"] == 1


def test_a_bad_threshold_is_refused_by_the_parser():
    with pytest.raises(CommandError, match="pourcentage entre 0 et 100"):
        call_command("import_rome", "--max-shrink", "150")


def test_the_refusal_is_a_command_error_with_a_non_zero_exit_code(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    keep_lines(directory / "unix_rubrique_mobilite_v460_utf8.csv", 2)
    with pytest.raises(CommandError) as error:
        call_command("import_rome", "--data-dir", str(directory), stdout=StringIO())
    assert error.value.returncode == 1


@pytest.mark.slow  # migrates a throwaway SQLite file in a subprocess (15 s)
def test_the_refusal_exits_non_zero_from_the_command_line(tmp_path):
    # A minimal environment on purpose: a DATABASE_URL inherited from CI must not point this at PostgreSQL.
    env = {"SQLITE_PATH": str(tmp_path / "guard.sqlite3"), "PATH": "/usr/bin:/bin"}
    python = [sys.executable, "manage.py"]

    def run(*args):
        return subprocess.run(
            [*python, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False
        )

    assert run("migrate", "-v0").returncode == 0
    assert run("import_rome", "--data-dir", str(ROME_V460)).returncode == 0
    directory = copy_set(tmp_path)
    keep_lines(directory / "unix_rubrique_mobilite_v460_utf8.csv", 2)
    refused = run("import_rome", "--json", "--data-dir", str(directory))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert json.loads(refused.stdout)["status"] == "refused"
    assert "Import ROME refusé, rien n'a été modifié" in refused.stderr


def test_the_tension_import_has_the_same_guard(tmp_path, tension_2021):
    directory = tmp_path / "tension"
    shutil.copytree(TENSION, directory)
    keep_lines(directory / "lexique-bassins.csv", 4)  # 3 communes of 9
    before = tension_counts()
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_tension", "--json", "--data-dir", str(directory), stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["status"] == "refused" and {r["table"] for r in summary["refusals"]} >= {"communes"}
    assert "Import de la tension refusé, rien n'a été modifié" in str(error.value)
    assert tension_counts() == before
    call_command("import_tension", "--data-dir", str(directory), "--allow-shrink", stdout=StringIO())
    assert Commune.objects.active().count() == 3


def test_a_header_only_tension_file_is_refused(tmp_path, rome_v460):
    directory = tmp_path / "tension"
    shutil.copytree(TENSION, directory)
    keep_lines(directory / "cities-tension-utf8.csv", 1)
    with pytest.raises(CommandError, match="cities-tension-utf8.csv, ligne 2 : aucune ligne de données"):
        call_command("import_tension", "--data-dir", str(directory))


# --- Manifests --------------------------------------------------------------------------------------------


def test_a_folder_matching_its_manifest_imports(tmp_path, db):
    directory = copy_set(tmp_path)
    write_manifest(directory, version="460")
    err = StringIO()
    assert import_rome("--data-dir", str(directory), stderr=err)["occupations"] == 4
    assert err.getvalue() == ""


def test_a_file_that_differs_from_the_manifest_is_refused(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    write_manifest(directory, version="460")
    keep_lines(directory / "unix_referentiel_appellation_v460_utf8.csv", 30)
    before = active_counts()
    with pytest.raises(CommandError) as error:
        call_command("import_rome", "--data-dir", str(directory), "--allow-shrink")
    message = str(error.value)
    assert "MANIFEST.json" in message
    assert "unix_referentiel_appellation_v460_utf8.csv : 29 ligne(s) de données au lieu des 39" in message
    assert active_counts() == before


def test_a_same_size_edit_is_caught_by_the_hash(tmp_path, db):
    directory = copy_set(tmp_path)
    write_manifest(directory, version="460")
    path = directory / "unix_referentiel_code_rome_v460_utf8.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Aide-soignant", "Aide-soignent"), encoding="utf-8")
    with pytest.raises(CommandError, match="empreinte sha256 différente"):
        call_command("import_rome", "--data-dir", str(directory))


def test_a_file_not_in_the_manifest_is_reported(tmp_path, db):
    directory = copy_set(tmp_path)
    write_manifest(directory, version="460")
    (directory / "unix_themes_v460_utf8.csv").write_text('"code_theme","libelle_theme"\n"1","Soins"\n')
    err = StringIO()
    summary = import_rome("--data-dir", str(directory), stderr=err)
    assert summary["occupations"] == 4
    assert "Attention : fichier unix_themes_v460_utf8.csv : absent de MANIFEST.json" in err.getvalue()


def test_the_tension_import_checks_its_manifest(tmp_path, rome_v460):
    directory = tmp_path / "tension"
    shutil.copytree(TENSION, directory)
    write_manifest(directory, version="2021")
    (directory / "lexique-bassins.csv").unlink()
    with pytest.raises(CommandError, match="listé dans MANIFEST.json mais absent"):
        call_command("import_tension", "--data-dir", str(directory))


@pytest.mark.parametrize("folder", ["rome/v460", "tension", "esco"])
def test_every_shipped_data_folder_matches_its_manifest(folder):
    from trajectoire.manifest import check_manifest

    report = check_manifest(ROOT / "data" / folder)
    assert report.present, f"data/{folder} needs a MANIFEST.json (python -m trajectoire.manifest write)"
    assert report.ok and not report.warnings, report.errors + report.warnings


def test_the_manifest_command_writes_and_checks(tmp_path):
    directory = copy_set(tmp_path)
    run = [sys.executable, "-m", "trajectoire.manifest"]
    written = subprocess.run(
        [*run, "write", str(directory), "--version", "460"], capture_output=True, text=True, cwd=ROOT
    )
    assert written.returncode == 0 and "MANIFEST.json écrit : 12 fichier(s)" in written.stdout
    manifest = json.loads((directory / "MANIFEST.json").read_text())
    assert manifest["version"] == "460"
    assert manifest["files"]["unix_referentiel_appellation_v460_utf8.csv"]["rows"] == 39
    assert manifest["files"]["version.txt"]["rows"] is None
    checked = subprocess.run([*run, "check", str(directory)], capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 0 and "conforme" in checked.stdout
    keep_lines(directory / "unix_texte_v460_utf8.csv", 3)
    checked = subprocess.run([*run, "check", str(directory)], capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 1 and "2 ligne(s) de données au lieu des 35" in checked.stderr


# --- Labels -----------------------------------------------------------------------------------------------


def test_accented_capitals_are_learnt_from_the_referential():
    restorer = AccentRestorer()
    restorer.learn(["savoir élaborer un plan", "peut être posté", "l'état du stock", "cote et côte", "il a dit"])
    assert restorer.text("Elaborer un budget") == "Élaborer un budget"
    assert restorer.text("Etre à l'écoute") == "Être à l'écoute"
    assert restorer.text("Diplôme d'Etat") == "Diplôme d'État"
    assert restorer.text("Cote du terrain") == "Cote du terrain"  # « cote » occurs unaccented: ambiguous, kept
    assert restorer.text("Evaluer un risque") == "Evaluer un risque"  # « évaluer » never seen: kept
    assert restorer.text("A partir de plans") == "À partir de plans"
    assert restorer.text("Accueillir un client") == "Accueillir un client"
    assert restorer.text(restorer.text("Elaborer")) == "Élaborer"  # idempotent


def test_imported_labels_get_their_accents_back(rome_v460):
    assert Occupation.objects.get(code="F1602").label == "Électricien / Électricienne du bâtiment"
    assert JobTitle.objects.get(ogr_code=14635).label_feminine == "Électricienne du bâtiment"
    assert not Skill.objects.filter(label__regex=r"^(Etre|Elaborer|Evaluer|Etablir) ").exists()


def test_re_importing_repairs_labels_of_an_existing_database_in_place(rome_v460):
    # A database imported before the repair holds the published spelling.
    Occupation.objects.filter(code="F1602").update(label="Electricien / Electricienne du bâtiment")
    pk = Occupation.objects.get(code="F1602").pk
    summary = import_rome("--data-dir", str(ROME_V460))
    assert summary["updated"] == 1 and summary["created"] == summary["deactivated"] == 0
    occupation = Occupation.objects.get(code="F1602")
    assert occupation.pk == pk and occupation.label == "Électricien / Électricienne du bâtiment"
    assert import_rome("--data-dir", str(ROME_V460))["updated"] == 0


def test_bassin_names_get_french_title_case():
    namer = AreaNamer(
        [
            ("Saint-Étienne", "8211"),
            ("Bourg-en-Bresse", "8401"),
            ("Héricourt", "2705"),
            ("Lure", "2705"),
            ("Vire Normandie", "2821"),
            ("Viré", "2704"),
            ("Les Sables-d'Olonne", "5217"),
        ]
    )
    assert namer.name("SAINT ETIENNE", "8211") == "Saint-Étienne"
    assert namer.name("BOURG EN BRESSE", "8401") == "Bourg-en-Bresse"
    assert namer.name("LURE  / HERICOURT", "2705") == "Lure / Héricourt"
    assert namer.name("VIRE", "2821") == "Vire"  # the namesake commune lies in the bassin, not Viré
    assert namer.name("VALLEE DE LA DROME SUR EN") == "Vallee de la Drome sur en"
    assert namer.name("LES SABLES D OLONNES") == "Les Sables d'Olonnes"
    assert namer.name("Marne la Vallée") == "Marne la Vallée"  # mixed case: kept as published


def test_imported_bassins_are_in_title_case_and_re_import_is_idempotent(tension_2021):
    assert set(EmploymentArea.objects.values_list("label", flat=True)) == {
        "Rodez",
        "Millau",
        "Toulouse",
        "Bassin 7549",
    }
    EmploymentArea.objects.filter(code="7617").update(label="TOULOUSE")
    out = StringIO()
    call_command("import_tension", "--json", "--data-dir", str(TENSION), stdout=out)
    assert json.loads(out.getvalue())["updated"] == 1
    assert EmploymentArea.objects.get(code="7617").label == "Toulouse"
