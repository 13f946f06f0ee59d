from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from trajectoire.cases.retention import retention_apply, retention_candidates


class Command(BaseCommand):
    help = (
        "Détruit les documents de travail des accompagnements terminés dont aucune conservation consentie ne court "
        "plus (C. trav. R6313-7). Tâche quotidienne."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="date de référence AAAA-MM-JJ (par défaut : aujourd'hui)")

    def handle(self, *args, on=None, **options):
        try:
            day = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError(f"Date invalide : {on!r} (format attendu AAAA-MM-JJ).")
        destroyed = 0
        for accompaniment in retention_candidates():
            if retention_apply(accompaniment=accompaniment, on=day):
                destroyed += 1
        self.stdout.write(f"apply_retention on={day.isoformat()} cases_with_destruction={destroyed}")
