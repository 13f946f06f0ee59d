"""Read the ROME 4.0 CSV files (plain or gzip-compressed) into plain Python structures.

France Travail publishes the files as `unix_<name>_v4NN_utf8.csv`; the project ships them gzip-compressed.
Only the files the engine needs are read, with the csv module (fast enough: the whole set loads in well
under a second), so this module has no dependency beyond the standard library.
"""

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

# Files the engine cannot work without, by the name between `unix_` and `_v4NN`.
REQUIRED = (
    "referentiel_code_rome",
    "referentiel_appellation",
    "coherence_item",
    "item",
    "rubrique_mobilite",
)
_VERSION_RE = re.compile(r"^unix_(?P<name>.+)_v(?P<version>4\d\d)_utf8\.csv(?:\.gz)?$")


class DataError(Exception):
    """The ROME folder is missing, incomplete or unreadable (message in French and English)."""


def repo_root() -> Path:
    # trajectoire/matching/loader.py -> repository root two levels above the package.
    return Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """The newest `data/rome/v4*` folder shipped with the repository (reused by the web app)."""
    base = repo_root() / "data" / "rome"
    candidates = sorted(
        (p for p in base.glob("v4*") if p.is_dir() and p.name[1:].isdigit()),
        key=lambda p: int(p.name[1:]),
    )
    if not candidates:
        raise DataError(f"aucun dossier ROME trouvé dans {base} / no ROME folder found in {base}")
    return candidates[-1]


def _index_files(data_dir: Path) -> dict[str, Path]:
    """Map each file name (e.g. 'coherence_item') to its path, preferring the newest version if several."""
    found: dict[str, tuple[int, Path]] = {}
    for path in data_dir.iterdir():
        m = _VERSION_RE.match(path.name)
        if not m:
            continue
        version = int(m["version"])
        name = m["name"]
        # A plain file wins over its .gz twin of the same version (cheaper to read).
        if name not in found or version > found[name][0] or (version == found[name][0] and path.suffix == ".csv"):
            found[name] = (version, path)
    return {name: path for name, (_, path) in found.items()}


def _read_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Known defect of the v460 copy: the NAF tree file is cp1252 despite its name (PROVENANCE.txt).
        text = raw.decode("cp1252")
    return list(csv.reader(io.StringIO(text)))


def _records(path: Path, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    rows = _read_rows(path)
    if not rows:
        raise DataError(f"fichier vide : {path.name} / empty file: {path.name}")
    header = rows[0]
    try:
        positions = [header.index(c) for c in columns]
    except ValueError as exc:
        raise DataError(f"colonne manquante dans {path.name} / missing column in {path.name}: {exc}") from None
    width = max(positions) + 1
    return [tuple(r[p] for p in positions) for r in rows[1:] if len(r) >= width]


@dataclass
class RomeData:
    """The subset of ROME 4.0 the matching engine uses, as plain lists and dicts."""

    version: str
    occupations: list[tuple[str, str]]  # (code_rome, libelle_rome), sorted by code
    parents: dict[str, str]  # code_rome -> ROME v3 parent code (code_rome_parent)
    riasec: dict[str, tuple[str, str]]  # code_rome -> (major, minor)
    appellations: list[tuple[str, str, str]]  # (code_ogr, libelle_appellation_long, code_rome)
    items: dict[str, tuple[str, str]]  # code_ogr -> (label, kind) with kind in competence/savoir/context/other
    coherence: list[tuple[str, str, bool]]  # (code_rome, code_ogr, core)
    mobility: list[tuple[str, str, int]]  # (source code_rome, target code_rome, rank)
    definitions: dict[str, str] = field(default_factory=dict)  # code_rome -> definition text
    access: dict[str, str] = field(default_factory=dict)  # code_rome -> "access to the job" text


def load(data_dir: str | Path) -> RomeData:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"dossier introuvable : {data_dir} / folder not found: {data_dir}")
    files = _index_files(data_dir)
    missing = [name for name in REQUIRED if name not in files]
    if missing:
        raise DataError(
            f"fichiers ROME manquants dans {data_dir} : {', '.join(missing)} / missing ROME files: "
            f"{', '.join(missing)}"
        )
    matched = _VERSION_RE.match(files["coherence_item"].name)
    version = matched["version"] if matched else "?"

    occupations = []
    parents = {}
    for code, label, parent in sorted(
        _records(files["referentiel_code_rome"], ("code_rome", "libelle_rome", "code_rome_parent"))
    ):
        occupations.append((code, label))
        parents[code] = parent or code
    riasec = {}
    if "referentiel_code_rome_riasec" in files:
        for code, major, minor in _records(
            files["referentiel_code_rome_riasec"], ("code_rome", "riasec_majeur", "riasec_mineur")
        ):
            riasec[code] = (major, minor)
    appellations = [
        (row[0], row[1], row[2])
        for row in _records(files["referentiel_appellation"], ("code_ogr", "libelle_appellation_long", "code_rome"))
    ]
    # `unix_item` has every item with its rubric (1 savoir-faire, 2 savoir-être, 3 savoir, '' context);
    # it is the one file that covers all codes used in `coherence_item`.
    kinds = {"1": "competence", "2": "competence", "3": "savoir", "": "context"}
    items = {
        code: (label, kinds.get(rubric, "other"))
        for code, label, rubric in _records(files["item"], ("code_ogr", "libelle", "code_rubrique"))
    }
    coherence = [
        (code, ogr, bool(flag))
        for code, ogr, flag in _records(files["coherence_item"], ("code_rome", "code_ogr", "coeur_metier"))
    ]
    mobility = [
        (src, dst, int(rank) if rank.isdigit() else 99)
        for src, dst, rank in _records(files["rubrique_mobilite"], ("code_rome", "code_rome_cible", "numero_ordre"))
    ]
    texts: dict[str, dict[str, list[str]]] = {"definition": {}, "acces_metier": {}}
    if "texte" in files:
        for code, kind, text in _records(files["texte"], ("code_rome", "libelle_type_texte", "libelle_texte")):
            if kind in texts:
                texts[kind].setdefault(code, []).append(text)
    return RomeData(
        version=version,
        occupations=occupations,
        parents=parents,
        riasec=riasec,
        appellations=appellations,
        items=items,
        coherence=coherence,
        mobility=mobility,
        definitions={code: " ".join(parts) for code, parts in texts["definition"].items()},
        access={code: " ".join(parts) for code, parts in texts["acces_metier"].items()},
    )
