import gzip
import shutil

import pytest

from trajectoire.matching import DataError, Engine, default_data_dir
from trajectoire.matching.loader import REQUIRED, load, repo_root


def test_default_data_dir_is_the_newest_shipped_version():
    path = default_data_dir()
    assert path.parent == repo_root() / "data" / "rome"
    versions = [int(p.name[1:]) for p in path.parent.glob("v4*") if p.name[1:].isdigit()]
    assert int(path.name[1:]) == max(versions)


def test_shipped_data_is_read_completely(engine):
    assert len(engine.codes) == 1584
    assert len(engine.data.appellations) == 13120
    assert len(engine.data.mobility) == 14912
    assert engine.labels["J1501"].startswith("Aide-soignant")


def test_plain_files_of_another_version_are_accepted(tmp_path):
    # Uncompressed copies renamed as a later version, with only the files the engine requires.
    for name in REQUIRED:
        src = default_data_dir() / f"unix_{name}_v460_utf8.csv.gz"
        with gzip.open(src, "rb") as fin, open(tmp_path / f"unix_{name}_v461_utf8.csv", "wb") as fout:
            shutil.copyfileobj(fin, fout)
    data = load(tmp_path)
    assert data.version == "461"
    assert len(data.occupations) == 1584
    assert data.definitions == {}  # optional files are optional


def test_cp1252_file_is_decoded(tmp_path):
    from trajectoire.matching.loader import _read_rows

    path = tmp_path / "unix_arborescence_secteur_naf_v460_utf8.csv"
    path.write_bytes('"code","libelle"\n"1","Activités d\'élevage"\n'.encode("cp1252"))
    assert _read_rows(path)[1] == ["1", "Activités d'élevage"]


def test_missing_folder_or_files_give_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="introuvable"):
        Engine.from_dir(tmp_path / "nope")
    with pytest.raises(DataError, match="manquants"):
        Engine.from_dir(tmp_path)
