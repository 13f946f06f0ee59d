import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trajectoire.referentials.enums import ReferentialSource
from trajectoire.referentials.importers.command import add_shrink_arguments, refuse, write_warnings
from trajectoire.referentials.importers.csvfiles import ImportFileError
from trajectoire.referentials.importers.sync import ShrinkRefused
from trajectoire.referentials.importers.tension import tension_counts, tension_import
from trajectoire.referentials.models import ReferentialVersion


class Command(BaseCommand):
    help = (
        "Importe la tension de recrutement (codes ROME v3 × bassins d'emploi, méthode DARES) et la table "
        "commune → bassin d'emploi. À lancer après import_rome."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, help="dossier des fichiers (par défaut : data/tension/)")
        parser.add_argument("--json", action="store_true", help="affiche le bilan sur une ligne JSON")
        parser.add_argument("--if-empty", action="store_true", help="ne fait rien si une tension a déjà été importée")
        add_shrink_arguments(parser)

    def handle(self, *args, data_dir=None, json=False, if_empty=False, max_shrink=None, allow_shrink=False, **options):
        if if_empty:
            current = ReferentialVersion.objects.current(ReferentialSource.TENSION)
            if current is not None:
                if json:
                    self.stdout.write(_dumps({"version": current.version, "skipped": True}))
                else:
                    self.stdout.write(f"Tension {current.version} déjà importée : rien à faire.")
                return
        started = time.perf_counter()
        try:
            result = tension_import(directory=data_dir, max_shrink=max_shrink, allow_shrink=allow_shrink)
        except ImportFileError as exc:
            raise CommandError(f"Import de la tension annulé, rien n'a été modifié. {exc}")
        except ShrinkRefused as exc:
            raise refuse(self, exc, what="Import de la tension", as_json=json, counts=tension_counts()) from None
        elapsed = time.perf_counter() - started
        write_warnings(self, result.warnings)
        if json:
            self.stdout.write(_dumps(result.as_json()))
            return
        self.stdout.write(f"Tension de recrutement (données {result.version}) importée en {elapsed:.1f} s.")
        for name, stats in result.stats.items():
            self.stdout.write(f"  {name} : {stats}")
        if result.unmatched_codes:
            self.stdout.write(
                f"  {len(result.unmatched_codes)} code(s) ROME v3 sans fiche ROME 4.0 correspondante : "
                + ", ".join(result.unmatched_codes[:20])
            )
        counts = ", ".join(f"{key}={value}" for key, value in result.counts.items())
        self.stdout.write(f"Contenu : {counts}")


def _dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)
