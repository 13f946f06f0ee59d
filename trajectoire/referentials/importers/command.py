"""What `import_rome` and `import_tension` share: the shrink options, warnings, and the refusal output."""

import json

from django.core.management.base import CommandError

from trajectoire.referentials.importers.sync import DEFAULT_MAX_SHRINK, ShrinkRefused


def percent(value: str) -> float:
    import argparse

    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"pourcentage attendu, « {value} » reçu") from None
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"pourcentage entre 0 et 100 attendu, « {value} » reçu")
    return number


def add_shrink_arguments(parser) -> None:
    parser.add_argument(
        "--max-shrink",
        type=percent,
        default=DEFAULT_MAX_SHRINK,
        metavar="POURCENT",
        help=(
            "refuse l'import si une table perdrait plus de POURCENT %% de ses lignes actives "
            f"(par défaut : {DEFAULT_MAX_SHRINK:g})"
        ),
    )
    parser.add_argument(
        "--allow-shrink",
        action="store_true",
        help="accepte une baisse au-delà du seuil, ou une table vidée (nouvelle version qui retire des codes)",
    )


def write_warnings(command, warnings: list[str]) -> None:
    for warning in warnings:
        command.stderr.write(f"Attention : {warning}")


def refuse(command, exc: ShrinkRefused, *, what: str, as_json: bool, counts: dict) -> CommandError:
    """Print the JSON refusal (same keys as a summary, plus status/max_shrink/refusals) and build the error."""
    if as_json:
        payload = {
            "version": exc.version,
            **counts,
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "deactivated": 0,
            **exc.as_json(),
        }
        command.stdout.write(json.dumps(payload, ensure_ascii=False))
    return CommandError(f"{what} refusé, rien n'a été modifié : {exc}")
