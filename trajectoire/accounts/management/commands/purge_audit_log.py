from django.core.management.base import BaseCommand
from django.utils import timezone

from trajectoire.accounts.services import audit_purge


class Command(BaseCommand):
    help = "Supprime les événements du journal d'audit plus anciens que AUDIT_LOG_RETENTION_DAYS (tâche quotidienne)."

    def handle(self, *args, **options):
        deleted = audit_purge(now=timezone.now())
        self.stdout.write(f"audit_purge deleted={deleted}")
