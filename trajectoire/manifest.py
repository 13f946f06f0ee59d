"""Manifests of the shipped data folders: `MANIFEST.json` lists every data file with its sha256 and row count.

Pure Python (no Django): the referential importers and the matching engine's loader both check a folder with
`check_manifest` before reading it, so a truncated, cut or replaced file is refused instead of silently
shrinking the referential. A folder without manifest (files downloaded from France Travail) is still accepted:
the readers' own checks apply.

    python -m trajectoire.manifest write DIR [--version V]   # (re)write DIR/MANIFEST.json
    python -m trajectoire.manifest check DIR                 # exit 0 if it matches, 1 otherwise

Format (`format` 1):

    {"format": 1, "version": "460", "files": {"unix_item_v460_utf8.csv.gz": {"sha256": "…", "rows": 19000}}}

`rows` is the number of CSV records after the header (`null` for a file that is not CSV). The hash covers the
file as stored (compressed bytes for `.gz`), so a matching hash proves the row count too; rows are counted only
when a hash differs, to say how far the file is from the expected one.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_NAME = "MANIFEST.json"
FORMAT = 1
# Documentation is not data: editing a README must not invalidate the folder.
_DOC_SUFFIXES = (".md",)
_DOC_PREFIXES = ("PROVENANCE", "LICENCE", "LICENSE", "README")


class ManifestError(Exception):
    """The manifest itself is unreadable (message in French)."""


@dataclass
class ManifestReport:
    """Result of a check: `errors` must stop the reader, `warnings` are only reported."""

    directory: Path
    version: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    present: bool = False
    verified: set[str] = field(default_factory=set)  # names of the files whose hash matched

    @property
    def ok(self) -> bool:
        return not self.errors


def is_data_file(path: Path) -> bool:
    name = path.name
    if not path.is_file() or name == MANIFEST_NAME or name.startswith("."):
        return False
    return not (name.endswith(_DOC_SUFFIXES) or name.upper().startswith(_DOC_PREFIXES))


def is_csv(path: Path) -> bool:
    return path.name.endswith((".csv", ".csv.gz"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_rows(path: Path) -> int | None:
    """CSV records after the header, or None for a file that is not CSV.

    Raises ManifestError if the file cannot be decompressed. Text is decoded as Latin-1, which never fails and
    keeps quotes and line ends where they are, so the count does not depend on the file's real encoding (one
    ROME file is cp1252) nor on its delimiter.
    """
    if not is_csv(path):
        return None
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise ManifestError(f"fichier {path.name} : décompression impossible ({exc}).") from None
    reader = csv.reader(io.StringIO(raw.decode("latin-1"), newline=""))
    try:
        records = sum(1 for fields in reader if fields)
    except csv.Error as exc:
        raise ManifestError(f"fichier {path.name} : CSV illisible ({exc}).") from None
    return max(records - 1, 0)


def read_manifest(directory: Path) -> dict | None:
    """The parsed manifest of `directory`, None if there is none; ManifestError if it is malformed."""
    path = Path(directory) / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{MANIFEST_NAME} de {directory} illisible ({exc}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ManifestError(f"{MANIFEST_NAME} de {directory} : « format » {FORMAT} attendu.")
    files = data.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("sha256"), str) and (v.get("rows") is None or type(v["rows"]) is int)
        for v in files.values()
    ):
        raise ManifestError(f"{MANIFEST_NAME} de {directory} : « files » doit associer chaque nom à {{sha256, rows}}.")
    return data


def check_manifest(directory: str | Path) -> ManifestReport:
    """Compare `directory` with its manifest, if it has one.

    Errors: a listed file missing, a hash that differs (with expected and found row counts), an unreadable
    manifest. Warnings: a data file present but not listed (it may be read instead of the listed one).
    """
    directory = Path(directory)
    report = ManifestReport(directory)
    try:
        manifest = read_manifest(directory)
    except ManifestError as exc:
        report.errors.append(str(exc))
        return report
    if manifest is None:
        return report
    report.present = True
    report.version = str(manifest.get("version") or "") or None
    listed: dict[str, dict] = manifest["files"]
    for name, entry in sorted(listed.items()):
        path = directory / name
        if not path.is_file():
            report.errors.append(f"fichier {name} : listé dans {MANIFEST_NAME} mais absent du dossier.")
            continue
        if sha256_of(path) == entry["sha256"]:
            report.verified.add(name)
            continue
        expected = entry.get("rows")
        try:
            found = count_rows(path)
        except ManifestError as exc:
            report.errors.append(f"{exc} Il ne correspond pas à {MANIFEST_NAME} (empreinte sha256 différente).")
            continue
        if expected is not None and found is not None and found != expected:
            report.errors.append(
                f"fichier {name} : {_fr_int(found)} ligne(s) de données au lieu des {_fr_int(expected)} "
                f"annoncées par {MANIFEST_NAME} (fichier tronqué ou remplacé)."
            )
        else:
            report.errors.append(
                f"fichier {name} : contenu différent de celui décrit par {MANIFEST_NAME} (empreinte sha256 "
                "différente). Si la modification est voulue, réécrivez le manifeste : "
                f"python -m trajectoire.manifest write {directory}"
            )
    for path in sorted(directory.iterdir()):
        if is_data_file(path) and path.name not in listed:
            report.warnings.append(
                f"fichier {path.name} : absent de {MANIFEST_NAME} (non vérifié ; il peut remplacer un fichier listé)."
            )
    return report


def build_manifest(directory: str | Path, *, version: str | None = None) -> dict:
    directory = Path(directory)
    if not directory.is_dir():
        raise ManifestError(f"dossier introuvable : {directory}")
    previous = None
    try:
        previous = read_manifest(directory)
    except ManifestError:
        previous = None
    files = {}
    for path in sorted(directory.iterdir()):
        if is_data_file(path):
            files[path.name] = {"sha256": sha256_of(path), "rows": count_rows(path)}
    if not files:
        raise ManifestError(f"aucun fichier de données dans {directory}.")
    chosen = version or (previous or {}).get("version") or directory.name
    return {"format": FORMAT, "version": str(chosen), "files": files}


def write_manifest(directory: str | Path, *, version: str | None = None) -> Path:
    manifest = build_manifest(directory, version=version)
    path = Path(directory) / MANIFEST_NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _fr_int(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m trajectoire.manifest", description="Manifeste (MANIFEST.json) d'un dossier de données."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write", help="écrit ou réécrit DIR/MANIFEST.json")
    write.add_argument("directory", type=Path)
    write.add_argument("--version", help="version des données (par défaut : celle du manifeste existant)")
    check = commands.add_parser("check", help="vérifie DIR contre son MANIFEST.json")
    check.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        try:
            path = write_manifest(args.directory, version=args.version)
        except ManifestError as exc:
            sys.stderr.write(f"Erreur : {exc}\n")
            return 1
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        print(f"{path} écrit : {len(files)} fichier(s).")
        return 0
    report = check_manifest(args.directory)
    for warning in report.warnings:
        sys.stderr.write(f"Attention : {warning}\n")
    for error in report.errors:
        sys.stderr.write(f"Erreur : {error}\n")
    if not report.present and report.ok:
        print(f"{args.directory} : pas de {MANIFEST_NAME}.")
        return 1
    if report.ok:
        print(f"{args.directory} : conforme à {MANIFEST_NAME} (version {report.version}).")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
