from django.core.management.base import BaseCommand, CommandError

from trajectoire.accounts.models import User
from trajectoire.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un utilisateur et l'affiche une seule fois."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="adresse e-mail du compte")
        parser.add_argument("--name", default="script", help="nom du jeton, pour le reconnaître")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif avec l'adresse {email}.")
        _, clear = api_token_create(user=user, name=name)
        self.stdout.write(clear)
