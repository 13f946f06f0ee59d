"""Read the ROME 4.0 CSV files (plain or gzip-compressed) into plain Python structures.

France Travail publishes the files as `unix_<name>_v4NN_utf8.csv`; the project ships them gzip-compressed.
Only the files the engine needs are read, with the csv module (fast enough: the whole set loads in well
under a second), so this module has no dependency beyond the standard library and `trajectoire.manifest`
(pure too). Malformed input never gets through silently: a truncated gzip, a header-only file, a line cut
mid-way, a missing file, another encoding, a file that differs from MANIFEST.json or a link to a code the
set does not define raises DataError with a one-line French (then English) message.
"""

import csv
import gzip
import io
import operator
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from trajectoire.manifest import check_manifest

# Files the engine cannot work without, by the name between `unix_` and `_v4NN`.
REQUIRED = (
    "referentiel_code_rome",
    "referentiel_appellation",
    "coherence_item",
    "item",
    "rubrique_mobilite",
)
# Files of every complete ROME set that the engine does not read but checks: `item` repeats their codes and
# labels, so a set that lost one of them (or holds a cut copy) is a broken download, not a smaller referential.
CHECKED = ("referentiel_competence", "referentiel_savoir")
_VERSION_RE = re.compile(r"^unix_(?P<name>.+)_v(?P<version>4\d\d)_utf8\.csv(?:\.gz)?$")
# Known defect of the v460 copy: the NAF tree file is cp1252 despite its name (PROVENANCE.txt).
_CP1252_FILES = ("arborescence_secteur_naf",)


class DataError(Exception):
    """The ROME folder is missing, incomplete or unreadable (one line, in French then English)."""


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


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(
            f"fichier {path.name} illisible ou compressé tronqué ({exc.__class__.__name__} : {exc}) / "
            f"unreadable or truncated file: {path.name}"
        ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if any(f"_{name}_" in path.name for name in _CP1252_FILES):
            return raw.decode("cp1252")
        line = raw.count(b"\n", 0, exc.start) + 1
        hint = " (UTF-16 ?)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise DataError(
            f"fichier {path.name}, ligne {line} : encodage invalide{hint}, le fichier doit être en UTF-8 / "
            f"{path.name} line {line}: not UTF-8"
        ) from None


def _rows(text: str) -> list[list[str]]:
    return [fields for fields in csv.reader(io.StringIO(text, newline=""), strict=True) if fields]


def _line_of(text: str, record: int | None = None) -> int:
    """Physical line where the `record`-th non-blank record starts, or with None where the first malformed
    record starts (slow path, only to word an error)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start, seen = 1, -1
    try:
        for fields in reader:
            if fields:
                seen += 1
                if seen == record:
                    return start
            start = reader.line_num + 1
    except csv.Error:
        pass
    return start


def _parse(path: Path) -> tuple[str, list[list[str]]]:
    """The decoded text and its non-blank CSV records; a cut quoted field is an error naming its line."""
    text = _decode(path)
    try:
        return text, _rows(text)
    except csv.Error as exc:
        line = _line_of(text)
        raise DataError(
            f"fichier {path.name}, ligne {line} : ligne CSV mal formée ({exc}), fichier coupé ? / "
            f"{path.name} line {line}: malformed CSV"
        ) from None


def _read_rows(path: Path) -> list[list[str]]:
    return _parse(path)[1]


def _records(path: Path, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The `columns` of every data record; the file must have a header, at least one data record, and as many
    fields on each record as in its header (a line cut mid-way has fewer)."""
    text, rows = _parse(path)
    if not rows:
        raise DataError(f"fichier vide : {path.name} / empty file: {path.name}")
    header = [name.strip() for name in rows[0]]
    try:
        positions = [header.index(c) for c in columns]
    except ValueError as exc:
        raise DataError(f"colonne manquante dans {path.name} / missing column in {path.name}: {exc}") from None
    if len(rows) == 1:
        raise DataError(
            f"fichier {path.name} : aucune ligne de données sous l'en-tête (fichier tronqué ?) / "
            f"{path.name}: header only, no data"
        )
    width = len(header)
    if set(map(len, rows)) != {width}:
        record = next(i for i, fields in enumerate(rows) if len(fields) != width)
        line = _line_of(text, record)
        found = len(rows[record])
        raise DataError(
            f"fichier {path.name}, ligne {line} : {found} champ(s) au lieu des {width} de l'en-tête "
            f"(ligne coupée ?) / {path.name} line {line}: {found} fields instead of {width}"
        )
    pick = operator.itemgetter(*positions)
    if len(positions) == 1:
        return [(pick(fields),) for fields in rows[1:]]
    return [pick(fields) for fields in rows[1:]]


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
    warnings: list[str] = field(default_factory=list)  # e.g. a file not listed in MANIFEST.json


def load(data_dir: str | Path) -> RomeData:
    """Read the folder after checking it: its MANIFEST.json when present (hash and row count of every listed
    file), the required files, then each file strictly. Every defect raises DataError with a one-line message."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"dossier introuvable : {data_dir} / folder not found: {data_dir}")
    report = check_manifest(data_dir)
    if report.errors:
        raise DataError(f"dossier {data_dir} non conforme à son MANIFEST.json : {' ; '.join(report.errors)}")
    files = _index_files(data_dir)
    missing = [name for name in (*REQUIRED, *CHECKED) if name not in files]
    if missing:
        raise DataError(
            f"fichiers ROME manquants dans {data_dir} : {', '.join(missing)} / missing ROME files: "
            f"{', '.join(missing)}"
        )
    for name, columns in (
        ("referentiel_competence", ("code_ogr", "libelle_competence")),
        ("referentiel_savoir", ("code_ogr_savoir", "libelle_savoir")),
    ):
        if files[name].name not in report.verified:  # a matching manifest hash already vouches for it (0.5 s)
            _records(files[name], columns)
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
    _check_links(files, parents, items, appellations, coherence, mobility)
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
        warnings=report.warnings,
    )


def _check_links(files, occupations, items, appellations, coherence, mobility) -> None:
    """Every code a link file uses is defined by the set: a clean cut of the occupation or item file would
    otherwise drop whole occupations without a word."""
    checks = (
        ("referentiel_appellation", "code_rome", (code for _, _, code in appellations), occupations),
        ("coherence_item", "code_rome", (code for code, _, _ in coherence), occupations),
        ("coherence_item", "code_ogr", (ogr for _, ogr, _ in coherence), items),
        ("rubrique_mobilite", "code_rome", (code for pair in mobility for code in pair[:2]), occupations),
    )
    for name, column, codes, known in checks:
        unknown = sorted({code for code in codes if code not in known})
        if unknown:
            sample = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
            raise DataError(
                f"fichier {files[name].name} : {len(unknown)} {column} inconnu(s) des autres fichiers ({sample}), "
                f"un fichier est incomplet / {files[name].name}: {len(unknown)} unknown {column}"
            )
