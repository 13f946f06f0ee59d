import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trajectoire.referentials.enums import ReferentialSource
from trajectoire.referentials.importers.command import add_shrink_arguments, refuse, write_warnings
from trajectoire.referentials.importers.csvfiles import ImportFileError
from trajectoire.referentials.importers.rome import rome_counts, rome_import
from trajectoire.referentials.importers.sync import ShrinkRefused
from trajectoire.referentials.models import ReferentialVersion


class Command(BaseCommand):
    help = (
        "Importe un jeu ROME 4.0 (fichiers unix_*_v4NN_utf8.csv, bruts ou .gz) en une seule transaction. "
        "Les codes disparus sont désactivés, jamais supprimés ; l'import est refusé s'il en désactiverait trop "
        "(--max-shrink, --allow-shrink)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            help="dossier des fichiers (par défaut : la version la plus récente de data/rome/)",
        )
        parser.add_argument("--json", action="store_true", help="affiche le bilan sur une ligne JSON")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="ne fait rien si un ROME a déjà été importé (premier démarrage de `make run`)",
        )
        add_shrink_arguments(parser)

    def handle(self, *args, data_dir=None, json=False, if_empty=False, max_shrink=None, allow_shrink=False, **options):
        if if_empty:
            current = ReferentialVersion.objects.current(ReferentialSource.ROME)
            if current is not None:
                if json:
                    self.stdout.write(_dumps({"version": current.version, "skipped": True}))
                else:
                    self.stdout.write(f"ROME version {current.version} déjà importé : rien à faire.")
                return
        started = time.perf_counter()
        try:
            result = rome_import(directory=data_dir, max_shrink=max_shrink, allow_shrink=allow_shrink)
        except ImportFileError as exc:
            raise CommandError(f"Import ROME annulé, rien n'a été modifié. {exc}")
        except ShrinkRefused as exc:
            raise refuse(self, exc, what="Import ROME", as_json=json, counts=rome_counts()) from None
        elapsed = time.perf_counter() - started
        write_warnings(self, result.warnings)
        if json:
            self.stdout.write(_dumps(result.as_json()))
            return
        self.stdout.write(f"ROME version {result.version} importé en {elapsed:.1f} s.")
        for name, stats in result.stats.items():
            self.stdout.write(f"  {name} : {stats}")
        self.stdout.write(f"  total : {result.totals}")
        counts = ", ".join(f"{key}={value}" for key, value in result.counts.items())
        self.stdout.write(f"Contenu actif : {counts}")


def _dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)
