import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.referentials.helpers import ROME_V460, ROME_V461
from trajectoire.referentials.enums import CoreFlag, ReferentialSource
from trajectoire.referentials.models import (
    JobTitle,
    Mobility,
    Occupation,
    OccupationItem,
    ReferentialVersion,
    Skill,
)

pytestmark = pytest.mark.django_db


def run_json(*args) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("import_rome", "--json", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def copy_set(tmp_path: Path, source: Path = ROME_V460) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def test_first_import_creates_everything_and_reports_one_json_line():
    summary = run_json("--data-dir", str(ROME_V460))
    assert summary["version"] == "460"
    assert summary["occupations"] == 4
    assert summary["job_titles"] == JobTitle.objects.count() == 39
    assert summary["mobilities"] == 2
    assert summary["skills"] == Skill.objects.count()
    assert summary["created"] > 0
    assert summary["updated"] == summary["unchanged"] == summary["deactivated"] == 0
    assert list(summary) == [
        "version",
        "occupations",
        "job_titles",
        "skills",
        "knowledge",
        "work_contexts",
        "mobilities",
        "created",
        "updated",
        "unchanged",
        "deactivated",
    ]
    version = ReferentialVersion.objects.current(ReferentialSource.ROME)
    assert version.version == "460"
    assert version.published_on.isoformat() == "2025-09-18"


def test_second_import_changes_nothing():
    first = run_json("--data-dir", str(ROME_V460))
    second = run_json("--data-dir", str(ROME_V460))
    assert second["created"] == second["updated"] == second["deactivated"] == 0
    assert second["unchanged"] == first["created"]
    assert {k: second[k] for k in ("occupations", "job_titles", "skills")} == {
        k: first[k] for k in ("occupations", "job_titles", "skills")
    }


def test_imported_rows_hold_texts_genders_tags_and_core_flags(rome_v460):
    occupation = Occupation.objects.get(code="J1501")
    assert occupation.label == "Aide-soignant / Aide-soignante"
    assert occupation.domain.code == "J15"
    assert occupation.domain.major_domain.code == "J"
    # Doubled apostrophes of this copy are repaired.
    assert occupation.definition_lines[0].startswith("L'aide-soignant apporte")
    assert "''" not in occupation.definition + occupation.access
    assert occupation.riasec_major
    assert occupation.regulated is True
    title = JobTitle.objects.get(ogr_code=10895)
    assert title.label_masculine == "Aide-soignant hospitalier"
    assert title.label_feminine == "Aide-soignante hospitalière"
    assert OccupationItem.objects.filter(occupation=occupation, core=CoreFlag.MAIN).exists()
    assert Skill.objects.filter(macro_competence__isnull=False).exists()


def test_a_newer_version_adds_updates_and_deactivates_without_deleting(rome_v460):
    # v461 retires N1110, a quarter of this tiny set: far over the 2 % guard, hence --allow-shrink.
    summary = run_json("--data-dir", str(ROME_V461), "--allow-shrink")
    assert summary["version"] == "461"
    assert summary["occupations"] == 4  # N1110 out, J1520 in
    removed = Occupation.objects.get(code="N1110")
    assert removed.is_active is False
    assert removed.job_titles.filter(is_active=True).count() == 0
    assert Occupation.objects.get(code="J1520").is_active
    assert Mobility.objects.active().filter(source__code="J1501", target__code="J1520").exists()
    assert JobTitle.objects.get(ogr_code=14635).label.endswith("et des travaux publics")
    assert not Skill.objects.get(ogr_code=103495).is_active
    assert not OccupationItem.objects.active().filter(ogr_code=103495).exists()
    assert summary["created"] > 0 and summary["updated"] > 0 and summary["deactivated"] > 0
    # Going back reactivates the code instead of creating it again.
    back = run_json("--data-dir", str(ROME_V460), "--allow-shrink")
    assert Occupation.objects.get(code="N1110").is_active
    assert Occupation.objects.filter(code="N1110").count() == 1
    assert back["occupations"] == 4 and Occupation.objects.get(code="J1520").is_active is False


def test_if_empty_skips_when_a_version_is_there(rome_v460):
    summary = run_json("--if-empty", "--data-dir", str(ROME_V461))
    assert summary == {"version": "460", "skipped": True}
    assert not Occupation.objects.filter(code="J1520").exists()


def assert_refused(directory: Path, *fragments: str):
    before = Occupation.objects.count(), JobTitle.objects.count(), OccupationItem.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_rome", "--data-dir", str(directory))
    message = str(error.value)
    assert message.startswith("Import ROME annulé, rien n'a été modifié.")
    for fragment in fragments:
        assert fragment in message, message
    assert (Occupation.objects.count(), JobTitle.objects.count(), OccupationItem.objects.count()) == before
    return message


def test_a_missing_file_is_named(tmp_path):
    directory = copy_set(tmp_path)
    (directory / "unix_referentiel_appellation_v460_utf8.csv").unlink()
    assert_refused(directory, "fichier(s) manquant(s)", "unix_referentiel_appellation_v460_utf8.csv")


def test_a_missing_column_is_named_with_its_line(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    path = directory / "unix_referentiel_code_rome_v460_utf8.csv"
    path.write_text(path.read_text().replace('"libelle_rome"', '"intitule"', 1))
    assert_refused(directory, "unix_referentiel_code_rome_v460_utf8.csv", "ligne 1", "colonne", "« libelle_rome »")


def test_a_duplicate_key_is_refused_with_line_and_column(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    path = directory / "unix_referentiel_appellation_v460_utf8.csv"
    lines = path.read_text().splitlines()
    lines.append(lines[3])
    path.write_text("\n".join(lines) + "\n")
    assert_refused(
        directory,
        "unix_referentiel_appellation_v460_utf8.csv",
        f"ligne {len(lines)}",
        "colonne 1 (« code_ogr »)",
        "double",
    )


def test_a_file_in_another_encoding_is_refused_with_its_position(tmp_path, rome_v460):
    directory = copy_set(tmp_path)
    path = directory / "unix_referentiel_savoir_v460_utf8.csv"
    path.write_bytes(path.read_text().encode("cp1252", errors="replace"))
    message = assert_refused(directory, "unix_referentiel_savoir_v460_utf8.csv", "encodage invalide", "ligne")
    assert "colonne" in message


def test_an_unknown_code_in_a_link_file_is_refused(tmp_path):
    directory = copy_set(tmp_path)
    path = directory / "unix_rubrique_mobilite_v460_utf8.csv"
    path.write_text(path.read_text() + '"J1501","Z9999","3"\n')
    assert_refused(directory, "unix_rubrique_mobilite_v460_utf8.csv", "ligne 4", "code ROME « Z9999 » invalide")


def test_a_bad_flag_is_refused(tmp_path):
    directory = copy_set(tmp_path)
    path = directory / "unix_referentiel_code_rome_v460_utf8.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].rsplit(",", 3)[0] + ',"peut-être","",' + lines[2].rsplit(",", 1)[1]
    path.write_text("\n".join(lines) + "\n")
    assert_refused(directory, "ligne 3", "« emploi_reglemente »", "peut-être")


def test_mixed_versions_in_one_folder_are_refused(tmp_path):
    directory = copy_set(tmp_path)
    shutil.copy(ROME_V461 / "unix_texte_v461_utf8.csv", directory)
    assert_refused(directory, "plusieurs versions")


def test_the_command_fails_with_a_french_message_and_no_traceback(tmp_path):
    completed = subprocess.run(
        [sys.executable, "manage.py", "import_rome", "--data-dir", str(tmp_path / "absent")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=60,
    )
    assert completed.returncode != 0
    assert "ce dossier n'existe pas" in completed.stderr
    assert "Traceback" not in completed.stderr
