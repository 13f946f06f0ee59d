"""Command line: `python -m trajectoire.schemes evaluate --facts FILE.json --on YYYY-MM-DD` and `... check`.

Errors (bad facts, bad date, invalid catalogue; a facts file that is not UTF-8 — with or without BOM —, larger
than 1 Mo or nested deeper than 50 levels) print one French line on stderr and exit with status 2; never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO
from urllib.parse import urlsplit

from trajectoire.schemes.errors import SchemesError
from trajectoire.schemes.evaluator import evaluate, fr_date
from trajectoire.schemes.loader import Catalogue, RuleRow, load_catalogue
from trajectoire.schemes.models import OFFICIAL_DOMAINS, source_is_official

EXIT_ERROR = 2
CONFIDENCE_FR = {"high": "élevée", "medium": "moyenne", "low": "faible"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"Erreur : arguments invalides ({message}).\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m trajectoire.schemes", description="Moteur des dispositifs (règles datées).")
    parser.add_argument("--catalogue", help="dossier du catalogue (par défaut : celui du paquet)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = commands.add_parser("evaluate", help="évalue tous les dispositifs pour une situation à une date")
    run.add_argument("--facts", required=True, help="fichier JSON des faits, ou « - » pour l'entrée standard")
    run.add_argument("--on", required=True, help="date d'évaluation AAAA-MM-JJ (date prévue de début de l'action)")
    run.add_argument("--scheme", action="append", help="limiter à ce dispositif (répétable)")
    commands.add_parser("check", help="valide le catalogue et liste les règles « à vérifier »")
    commands.add_parser("facts", help="liste le vocabulaire des faits (JSON)")
    commands.add_parser("rules", help="liste toutes les versions de règles (JSON)")
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        catalogue = load_catalogue(args.catalogue)
        if args.command == "evaluate":
            on = _parse_date(args.on)
            facts = _read_facts(args.facts, stdin)
            if args.scheme:
                unknown = [s for s in args.scheme if s not in {x.id for x in catalogue.schemes}]
                if unknown:
                    raise SchemesError(f"dispositif inconnu : {', '.join(unknown)}")
            result = evaluate(catalogue, facts, on, schemes=args.scheme)
            _dump(result.to_dict(), stdout)
        elif args.command == "check":
            stdout.write(check_report(catalogue))
        elif args.command == "facts":
            _dump(
                {"catalogue_version": catalogue.version, "facts": [d.to_dict() for d in catalogue.facts.values()]},
                stdout,
            )
        else:
            _dump(
                {"catalogue_version": catalogue.version, "rules": [r.to_dict() for r in catalogue.rule_rows()]}, stdout
            )
    except SchemesError as exc:
        sys.stderr.write(f"Erreur : {exc}\n")
        return EXIT_ERROR
    return 0


def _dump(data: object, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _parse_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise SchemesError(f"date d'évaluation invalide « {raw} » (format attendu AAAA-MM-JJ)")


MAX_FACTS_BYTES = 1_000_000
MAX_FACTS_DEPTH = 50  # facts are a flat object; a few levels of lists are plenty


def _read_facts(source: str, stdin: TextIO) -> dict[str, object]:
    """The facts object of a file (or « - »): UTF-8 with or without BOM, at most 1 Mo and 50 levels deep."""
    try:
        if source == "-":
            buffer = getattr(stdin, "buffer", None)
            raw: bytes | str = buffer.read(MAX_FACTS_BYTES + 1) if buffer is not None else stdin.read()
        else:
            with Path(source).open("rb") as f:
                raw = f.read(MAX_FACTS_BYTES + 1)
    except OSError as exc:
        raise SchemesError(f"fichier de faits illisible « {source} » ({exc.strerror})")
    except UnicodeDecodeError:
        raise SchemesError(f"« {source} » n'est pas du texte UTF-8 : enregistrez le fichier de faits en UTF-8")
    if len(raw) > MAX_FACTS_BYTES:
        raise SchemesError(f"fichier de faits « {source} » trop volumineux (plus de 1 Mo)")
    text = _decode_facts(raw, source) if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
    if _nesting_depth(text) > MAX_FACTS_DEPTH:
        raise SchemesError(
            f"« {source} » imbrique plus de {MAX_FACTS_DEPTH} niveaux de listes ou d'objets : "
            "un fichier de faits est un objet simple (fait → valeur)"
        )
    try:
        facts = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemesError(f"JSON invalide dans « {source} » (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})")
    if not isinstance(facts, dict):
        raise SchemesError(f"« {source} » doit contenir un objet JSON (fait → valeur)")
    return facts


def _decode_facts(raw: bytes, source: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and b"\x00" in raw[:4]):
        raise SchemesError(f"« {source} » est encodé en UTF-16 : enregistrez le fichier de faits en UTF-8")
    try:
        return raw.decode("utf-8-sig")  # a BOM is accepted and dropped
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SchemesError(
            f"« {source} » n'est pas en UTF-8 (octet 0x{raw[exc.start]:02x} ligne {line}) : "
            "enregistrez le fichier de faits en UTF-8"
        )


def _nesting_depth(text: str) -> int:
    """Deepest nesting of [ and { outside strings, without recursion (json.loads would hit RecursionError)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_FACTS_DEPTH:
                    return deepest  # enough to refuse; the rest need not be scanned
        elif char in "]}":
            depth -= 1
    return deepest


def check_report(catalogue: Catalogue) -> str:
    """Human-readable summary: the catalogue is valid, and which rule versions are « à vérifier » and why —
    unsettled (draft, unverified, low confidence) or resting on secondary sources only. Always exits 0."""
    rows = catalogue.rule_rows()
    meta = catalogue.meta
    urls = {url for r in rows for url in r.source_urls}
    official = {url for url in urls if source_is_official(url)}
    lines = [
        f"Catalogue valide : {catalogue.label} (version {catalogue.version})",
        f"{len(catalogue.schemes)} dispositifs, {len(catalogue.rules)} règles, {len(rows)} versions "
        f"(dont {sum(r.status == 'draft' for r in rows)} projets jamais appliqués), {len(catalogue.facts)} faits.",
        f"Couverture à partir du {fr_date(meta.covers_from)} ; sources jusqu'au {fr_date(meta.sources_up_to)}.",
        f"Vérifié contre : {meta.verified_against}",
        f"Sources : {len(official)} adresses officielles, {len(urls) - len(official)} secondaires "
        f"(officiel = {', '.join(OFFICIAL_DOMAINS)} ou tout site en .gouv.fr).",
        "",
    ]
    unsettled = [r for r in rows if r.to_verify and (r.status in ("draft", "unverified") or r.confidence == "low")]
    secondary = [r for r in rows if r.secondary_only and r not in unsettled]
    lines.append(f"À vérifier — projet, non vérifiée ou confiance faible ({_versions(len(unsettled))}) :")
    lines.extend(_check_line(row) for row in unsettled)
    lines.append("")
    lines.append(
        f"À vérifier — sources secondaires seulement, confiance au plus moyenne ({_versions(len(secondary))}) :"
    )
    lines.extend(_check_line(row, with_sources=True) for row in secondary)
    medium = [r for r in rows if not r.to_verify and r.confidence == "medium"]
    lines.append("")
    lines.append(f"Confiance moyenne avec une source officielle, appliquée et signalée ({_versions(len(medium))}) :")
    for row in medium:
        lines.append(f"  - {row.scheme_id} / {row.rule_id} {row.effective_from} → {row.effective_to or '…'}")
    return "\n".join(lines) + "\n"


def _check_line(row: RuleRow, *, with_sources: bool = False) -> str:
    if row.status == "draft":
        period = f"projet signalé à partir du {row.effective_from}" if row.effective_from else "projet"
    else:
        period = f"{row.effective_from} → {row.effective_to or '…'}"
    line = (
        f"  - {row.scheme_id} / {row.rule_id} [{row.status}, confiance {CONFIDENCE_FR[row.confidence]}] "
        f"{period} : {row.title}"
    )
    if with_sources:
        hosts = sorted({(urlsplit(url).hostname or url).removeprefix("www.") for url in row.source_urls})
        line += f" — {', '.join(hosts)}"
    return line


def _versions(count: int) -> str:
    return f"{count} version{'s' if count > 1 else ''}"
