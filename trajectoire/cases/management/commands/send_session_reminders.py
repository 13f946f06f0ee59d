from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from trajectoire.cases.notifications import claim_due_reminders, send_session_reminder


class Command(BaseCommand):
    help = (
        "Envoie aux personnes le rappel de leur entretien prévu dans 47 à 49 heures. Tâche horaire : chaque "
        "entretien est réservé avant l'envoi (rappel envoyé le), deux passages n'envoient jamais deux rappels."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="instant de référence AAAA-MM-JJTHH:MM, heure de Paris (par défaut : maintenant)"
        )

    def handle(self, *args, now=None, **options):
        try:
            moment = datetime.fromisoformat(now) if now else timezone.now()
        except ValueError:
            raise CommandError(f"Instant invalide : {now!r} (format attendu AAAA-MM-JJTHH:MM).") from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        claimed = claim_due_reminders(now=moment)
        for session_id in claimed:
            # Each claim is its own committed UPDATE: the e-mail is queued once, whatever happens to the next one.
            send_session_reminder.enqueue(session_id=session_id)
        self.stdout.write(f"send_session_reminders now={moment.isoformat()} reminders={len(claimed)}")
