import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.referentials.helpers import TENSION
from trajectoire.referentials.models import Commune, EmploymentArea, LabourTension, ReferentialVersion

pytestmark = pytest.mark.django_db


def run_json(*args) -> dict:
    out = StringIO()
    call_command("import_tension", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_tension_is_joined_to_rome_4_through_the_parent_code(rome_v460):
    summary = run_json("--data-dir", str(TENSION))
    assert summary["version"] == "2021"
    assert summary["areas"] == 4  # three from the commune table + 7549, only known from the tension table
    assert summary["communes"] == 9
    # F1602 ×3, J1501 ×4, N1103 ×4 copied to N1103 and N1110 (both have parent N1103).
    assert summary["tensions"] == 3 + 4 + 4 * 2
    assert summary["unmatched_rome_v3_codes"] == 1  # A1101 is not in the fixture set
    tension = LabourTension.objects.get(occupation__code="N1110", area__code="7617")
    assert (tension.year, tension.rome_v3_code, tension.tension, tension.offers) == (2021, "N1103", 2, 4465.1587)
    assert tension.components[0] == ("intensité d'embauches", 4)
    assert EmploymentArea.objects.get(code="7617").department == "31"
    assert Commune.objects.get(insee_code="31003").area.label == "Toulouse"
    assert ReferentialVersion.objects.get(source="tension").version == "2021"


def test_a_second_tension_import_changes_nothing(rome_v460):
    run_json("--data-dir", str(TENSION))
    second = run_json("--data-dir", str(TENSION))
    assert second["created"] == second["updated"] == second["deactivated"] == 0


def test_a_bad_indicator_is_refused_and_changes_nothing(tmp_path, rome_v460):
    directory = tmp_path / "tension"
    shutil.copytree(TENSION, directory)
    path = directory / "cities-tension-utf8.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(";5;5;2;1;3;3;4", ";9;5;2;1;3;3;4")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as error:
        call_command("import_tension", "--data-dir", str(directory))
    assert "cities-tension-utf8.csv, ligne 3, colonne 6 (« ind_tension_d »)" in str(error.value)
    assert LabourTension.objects.count() == 0


def test_tension_needs_the_rome_first(db):
    with pytest.raises(CommandError, match="import_rome"):
        call_command("import_tension", "--data-dir", str(TENSION))
