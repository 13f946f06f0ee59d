"""Command line: `python -m trajectoire.schemes evaluate --facts FILE.json --on YYYY-MM-DD` and `... check`.

Errors (bad facts, bad date, invalid catalogue) print one French line on stderr and exit with status 2;
never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO

from trajectoire.schemes.errors import SchemesError
from trajectoire.schemes.evaluator import evaluate, fr_date
from trajectoire.schemes.loader import Catalogue, load_catalogue

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


def _read_facts(source: str, stdin: TextIO) -> dict[str, object]:
    try:
        text = stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemesError(f"fichier de faits illisible « {source} » ({exc.strerror})")
    try:
        facts = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemesError(f"JSON invalide dans « {source} » (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})")
    if not isinstance(facts, dict):
        raise SchemesError(f"« {source} » doit contenir un objet JSON (fait → valeur)")
    return facts


def check_report(catalogue: Catalogue) -> str:
    """Human-readable summary: the catalogue is valid, and which rule versions are « à vérifier »."""
    rows = catalogue.rule_rows()
    meta = catalogue.meta
    lines = [
        f"Catalogue valide : version {catalogue.version}",
        f"{len(catalogue.schemes)} dispositifs, {len(catalogue.rules)} règles, {len(rows)} versions "
        f"(dont {sum(r.status == 'draft' for r in rows)} projets jamais appliqués), {len(catalogue.facts)} faits.",
        f"Couverture à partir du {fr_date(meta.covers_from)} ; sources jusqu'au {fr_date(meta.sources_up_to)}.",
        f"Vérifié contre : {meta.verified_against}",
        "",
    ]
    flagged = catalogue.to_verify()
    lines.append(f"À vérifier ({len(flagged)} versions : projet, non vérifiée ou confiance faible) :")
    for row in flagged:
        if row.status == "draft":
            period = f"projet signalé à partir du {row.effective_from}" if row.effective_from else "projet"
        else:
            period = f"{row.effective_from} → {row.effective_to or '…'}"
        lines.append(
            f"  - {row.scheme_id} / {row.rule_id} [{row.status}, confiance {CONFIDENCE_FR[row.confidence]}] "
            f"{period} : {row.title}"
        )
    medium = [r for r in rows if not r.to_verify and r.confidence == "medium"]
    lines.append("")
    lines.append(f"Confiance moyenne ({len(medium)} versions, appliquées et signalées par leur niveau) :")
    for row in medium:
        lines.append(f"  - {row.scheme_id} / {row.rule_id} {row.effective_from} → {row.effective_to or '…'}")
    return "\n".join(lines) + "\n"
