import gzip
import shutil

import pytest

from trajectoire.manifest import write_manifest
from trajectoire.matching import DataError, Engine, default_data_dir
from trajectoire.matching.loader import CHECKED, REQUIRED, load, repo_root


def test_default_data_dir_is_the_newest_shipped_version():
    path = default_data_dir()
    assert path.parent == repo_root() / "data" / "rome"
    versions = [int(p.name[1:]) for p in path.parent.glob("v4*") if p.name[1:].isdigit()]
    assert int(path.name[1:]) == max(versions)


@pytest.mark.slow
def test_shipped_data_is_read_completely(engine):
    assert len(engine.codes) == 1584
    assert len(engine.data.appellations) == 13120
    assert len(engine.data.mobility) == 14912
    assert engine.labels["J1501"].startswith("Aide-soignant")


def test_plain_files_of_another_version_are_accepted(tmp_path):
    # Uncompressed copies renamed as a later version, with only the files the engine requires or checks.
    for name in (*REQUIRED, *CHECKED):
        src = default_data_dir() / f"unix_{name}_v460_utf8.csv.gz"
        with gzip.open(src, "rb") as fin, open(tmp_path / f"unix_{name}_v461_utf8.csv", "wb") as fout:
            shutil.copyfileobj(fin, fout)
    data = load(tmp_path)
    assert data.version == "461"
    assert len(data.occupations) == 1584
    assert data.definitions == {}  # optional files are optional
    assert data.warnings == []  # no manifest: nothing to compare with


def test_the_known_cp1252_file_is_decoded(tmp_path):
    from trajectoire.matching.loader import _read_rows

    path = tmp_path / "unix_arborescence_secteur_naf_v460_utf8.csv"
    path.write_bytes('"code","libelle"\n"1","Activités d\'élevage"\n'.encode("cp1252"))
    assert _read_rows(path)[1] == ["1", "Activités d'élevage"]


def test_missing_folder_or_files_give_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="introuvable"):
        Engine.from_dir(tmp_path / "nope")
    with pytest.raises(DataError, match="manquants"):
        Engine.from_dir(tmp_path)


# --- Malformed input: every defect is a DataError with a one-line French message --------------------------
# A small consistent set (three occupations) written in tmp keeps these tests fast.

HEADERS = {
    "referentiel_code_rome": ["code_rome", "code_ogr", "libelle_rome", "code_rome_parent"],
    "referentiel_appellation": ["code_ogr", "libelle_appellation_long", "code_rome"],
    "coherence_item": ["code_rome", "code_ogr", "coeur_metier"],
    "item": ["code_ogr", "libelle", "code_rubrique"],
    "rubrique_mobilite": ["code_rome", "code_rome_cible", "numero_ordre"],
    "referentiel_competence": ["code_ogr", "libelle_competence", "definition"],
    "referentiel_savoir": ["code_ogr_savoir", "libelle_savoir"],
}
ROWS = {
    "referentiel_code_rome": [
        ["J1501", "1", "Aide-soignant / Aide-soignante", "J1501"],
        ["D1102", "2", "Boulanger / Boulangère", "D1102"],
        ["N1103", "3", "Magasinier / Magasinière", "N1103"],
    ],
    "referentiel_appellation": [["10", "Aide-soignant hospitalier", "J1501"], ["11", "Boulangère", "D1102"]],
    "coherence_item": [["J1501", "100", "Principale"], ["D1102", "101", ""], ["N1103", "200", ""]],
    "item": [["100", "Réaliser des soins d'hygiène", "1"], ["101", "Pétrir la pâte", "1"], ["200", "Logistique", "3"]],
    "rubrique_mobilite": [["J1501", "N1103", "1"], ["D1102", "N1103", "2"]],
    "referentiel_competence": [["100", "Réaliser des soins d'hygiène", ""], ["101", "Pétrir la pâte", ""]],
    "referentiel_savoir": [["200", "Logistique"]],
}


def csv_text(name: str, rows=None) -> str:
    lines = [HEADERS[name], *(ROWS[name] if rows is None else rows)]
    return "".join(",".join(f'"{v}"' for v in line) + "\n" for line in lines)


@pytest.fixture
def small_set(tmp_path):
    folder = tmp_path / "v460"
    folder.mkdir()
    for name in HEADERS:
        data = csv_text(name).encode("utf-8")
        path = folder / f"unix_{name}_v460_utf8.csv.gz"
        path.write_bytes(gzip.compress(data))
    return folder


def path_of(folder, name):
    return folder / f"unix_{name}_v460_utf8.csv.gz"


def rewrite(folder, name, data: bytes, *, gz=True):
    path_of(folder, name).write_bytes(gzip.compress(data) if gz else data)


def load_error(folder) -> str:
    with pytest.raises(DataError) as error:
        load(folder)
    message = str(error.value)
    assert "\n" not in message
    return message


def test_the_small_set_loads(small_set):
    data = load(small_set)
    assert [code for code, _ in data.occupations] == ["D1102", "J1501", "N1103"]
    assert len(data.mobility) == 2


def test_a_truncated_gzip_is_refused(small_set):
    path = path_of(small_set, "coherence_item")
    path.write_bytes(path.read_bytes()[:-12])
    assert "compressé tronqué" in load_error(small_set) and path.name in load_error(small_set)


def test_a_header_only_file_is_refused(small_set):
    rewrite(small_set, "rubrique_mobilite", csv_text("rubrique_mobilite", []).encode())
    assert "aucune ligne de données sous l'en-tête" in load_error(small_set)


def test_a_competence_file_cut_mid_line_is_refused_with_its_line(small_set):
    text = csv_text("referentiel_competence")
    rewrite(small_set, "referentiel_competence", text[: text.rindex(",")].encode())  # cut in the last record
    message = load_error(small_set)
    assert "unix_referentiel_competence_v460_utf8.csv.gz, ligne 3" in message
    assert "2 champ(s) au lieu des 3" in message


def test_a_line_cut_inside_quotes_is_refused(small_set):
    text = csv_text("item")
    rewrite(small_set, "item", text[: text.index("Pétrir") + 3].encode())
    assert "ligne CSV mal formée" in load_error(small_set)


def test_a_missing_knowledge_file_is_refused(small_set):
    path_of(small_set, "referentiel_savoir").unlink()
    assert "manquants" in load_error(small_set) and "referentiel_savoir" in load_error(small_set)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_a_file_in_another_encoding_is_refused(small_set, encoding):
    rewrite(small_set, "referentiel_code_rome", csv_text("referentiel_code_rome").encode(encoding))
    message = load_error(small_set)
    assert "encodage invalide" in message and "UTF-8" in message


def test_a_utf8_bom_is_accepted(small_set):
    rewrite(small_set, "referentiel_code_rome", b"\xef\xbb\xbf" + csv_text("referentiel_code_rome").encode())
    assert len(load(small_set).occupations) == 3


def test_a_clean_cut_of_the_occupation_file_is_caught_by_the_links(small_set):
    rewrite(
        small_set,
        "referentiel_code_rome",
        csv_text("referentiel_code_rome", ROWS["referentiel_code_rome"][:2]).encode(),
    )
    message = load_error(small_set)
    assert "inconnu(s) des autres fichiers" in message and "N1103" in message


def test_the_manifest_catches_a_clean_cut_the_files_cannot_show(small_set):
    write_manifest(small_set, version="460")
    rewrite(small_set, "rubrique_mobilite", csv_text("rubrique_mobilite", ROWS["rubrique_mobilite"][:1]).encode())
    message = load_error(small_set)
    assert "MANIFEST.json" in message and "1 ligne(s) de données au lieu des 2" in message


def test_a_file_listed_in_the_manifest_but_missing_is_refused(small_set):
    (small_set / "unix_texte_v460_utf8.csv").write_text(
        '"code_rome","libelle_type_texte","libelle_texte"\n"J1501","definition","Soigne."\n'
    )
    write_manifest(small_set, version="460")
    (small_set / "unix_texte_v460_utf8.csv").unlink()
    assert "listé dans MANIFEST.json mais absent" in load_error(small_set)


def test_a_file_not_in_the_manifest_is_reported_as_a_warning(small_set):
    write_manifest(small_set, version="460")
    (small_set / "unix_texte_v460_utf8.csv").write_text(
        '"code_rome","libelle_type_texte","libelle_texte"\n"J1501","definition","Soigne."\n'
    )
    data = load(small_set)
    assert data.definitions == {"J1501": "Soigne."}
    assert len(data.warnings) == 1 and "unix_texte_v460_utf8.csv : absent de MANIFEST.json" in data.warnings[0]


def test_the_shipped_folder_matches_its_manifest():
    from trajectoire.manifest import check_manifest

    report = check_manifest(default_data_dir())
    assert report.present and report.ok, report.errors
    assert report.warnings == []
