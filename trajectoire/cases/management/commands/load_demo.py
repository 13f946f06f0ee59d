"""Load a demo network: two centres, their staff and about twenty fictitious beneficiaries, eight of whom
have a bilan telling their own dated story (trajectoire/cases/demo.py; docs/bilan.md « Démo »).

Idempotent: records are looked up by natural keys (SIRET, e-mail, name within a centre) and only
created when missing, so re-running `make run` keeps what users changed.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from trajectoire.accounts.enums import Role
from trajectoire.accounts.models import Centre, User
from trajectoire.accounts.services import membership_grant
from trajectoire.cases.demo import load_demo_cases
from trajectoire.cases.enums import EmploymentStatus
from trajectoire.cases.models import Beneficiary
from trajectoire.referentials.models import Skill

DEMO_PASSWORD = "demo-trajectoire"

CENTRES = [
    {
        "name": "CIBC Démo Occitanie",
        "siret": "77312345000019",
        "address": "12 allée Jean Jaurès",
        "postal_code": "31000",
        "city": "Toulouse",
    },
    {
        "name": "CIBC Démo Bretagne",
        "siret": "81245678800015",
        "address": "3 rue de la Monnaie",
        "postal_code": "35000",
        "city": "Rennes",
    },
]

STAFF = [
    ("nadia.roux@demo.trajectoire.fr", "Nadia", "Roux", "CIBC Démo Occitanie", Role.MANAGER),
    ("claire.martin@demo.trajectoire.fr", "Claire", "Martin", "CIBC Démo Occitanie", Role.COUNSELLOR),
    ("karim.benali@demo.trajectoire.fr", "Karim", "Benali", "CIBC Démo Occitanie", Role.COUNSELLOR),
    ("yann.le-goff@demo.trajectoire.fr", "Yann", "Le Goff", "CIBC Démo Bretagne", Role.COUNSELLOR),
]
ANALYST = ("analyste@demo.trajectoire.fr", "Sophie", "Garnier")

S = EmploymentStatus
# (first name, last name, e-mail, phone, birth year, postal code, status, centre, counsellor e-mail)
BENEFICIARIES = [
    ("Sandrine", "Lefèvre", "s.lefevre@exemple.fr", "06 12 45 78 90", 1978, "31200", S.PRIVATE_EMPLOYEE, 0, 1),
    ("Mohamed", "Haddad", "m.haddad@exemple.fr", "06 23 56 89 12", 1985, "31100", S.JOB_SEEKER, 0, 1),
    ("Julie", "Carpentier", "julie.carpentier@exemple.fr", "07 81 22 33 44", 1990, "31400", S.PRIVATE_EMPLOYEE, 0, 1),
    ("Thierry", "Vidal", "", "05 61 22 33 44", 1969, "31300", S.PUBLIC_AGENT, 0, 1),
    ("Aïcha", "Diallo", "aicha.diallo@exemple.fr", "06 45 67 89 01", 1994, "31500", S.JOB_SEEKER, 0, 1),
    ("Laurent", "Fabre", "l.fabre@exemple.fr", "", 1972, "81000", S.SELF_EMPLOYED, 0, 1),
    ("Émilie", "Rousseau", "emilie.rousseau@exemple.fr", "06 98 76 54 32", 1988, "31000", S.PRIVATE_EMPLOYEE, 0, 2),
    ("Nicolas", "Bertrand", "n.bertrand@exemple.fr", "07 66 55 44 33", 1981, "82000", S.PRIVATE_EMPLOYEE, 0, 2),
    ("Fatima", "Benyahia", "", "06 11 22 33 44", 1976, "31200", S.JOB_SEEKER, 0, 2),
    ("Sébastien", "Moreau", "sebastien.moreau@exemple.fr", "06 55 44 33 22", 1983, "31700", S.PRIVATE_EMPLOYEE, 0, 2),
    ("Hélène", "Garcia", "h.garcia@exemple.fr", "", 1965, "34000", S.PUBLIC_AGENT, 0, 2),
    ("Kevin", "Lambert", "kevin.lambert@exemple.fr", "07 12 34 56 78", 1997, "31600", S.JOB_SEEKER, 0, 2),
    ("Marie-Claude", "Arnaud", "", "05 62 11 22 33", 1963, "31150", S.PRIVATE_EMPLOYEE, 0, 0),
    ("Yasmine", "Cherif", "yasmine.cherif@exemple.fr", "06 77 88 99 00", 1992, "31000", S.OTHER, 0, None),
    ("Pierre", "Dumas", "p.dumas@exemple.fr", "06 10 20 30 40", 1979, "65000", S.SELF_EMPLOYED, 0, 1),
    ("Gwenaëlle", "Le Bihan", "gwen.lebihan@exemple.fr", "06 31 41 59 26", 1986, "35000", S.PRIVATE_EMPLOYEE, 1, 3),
    ("Erwan", "Kerjean", "erwan.kerjean@exemple.fr", "07 27 18 28 18", 1974, "29200", S.JOB_SEEKER, 1, 3),
    ("Mathilde", "Guéguen", "", "02 99 12 34 56", 1991, "35700", S.PUBLIC_AGENT, 1, 3),
    ("Olivier", "Tanguy", "o.tanguy@exemple.fr", "06 14 14 21 35", 1968, "56100", S.PRIVATE_EMPLOYEE, 1, 3),
    ("Inès", "Marchand", "ines.marchand@exemple.fr", "06 62 83 18 53", 1999, "35200", S.JOB_SEEKER, 1, 3),
]


def _user(email: str, first_name: str, last_name: str, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first_name, last_name=last_name, **extra)
    return user


class Command(BaseCommand):
    help = (
        "Charge (sans doublon) un réseau de démonstration : deux centres, leurs équipes et des bénéficiaires fictifs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="ne pas afficher les comptes de démonstration")

    @transaction.atomic
    def handle(self, *args, quiet_logins=False, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Les données de démonstration ne se chargent que si DEMO_MODE=true.")
        centres = []
        for data in CENTRES:
            centre = Centre.objects.filter(siret=data["siret"]).first() or Centre.objects.create(**data)
            centres.append(centre)
        by_name = {c.name: c for c in centres}
        staff = []
        for email, first, last, centre_name, role in STAFF:
            user = _user(email, first, last)
            if not user.memberships.filter(centre=by_name[centre_name]).exists():
                membership_grant(user=user, centre=by_name[centre_name], role=role)
            staff.append(user)
        _user(ANALYST[0], ANALYST[1], ANALYST[2], is_network_analyst=True)

        created = 0
        for first, last, email, phone, year, postal, status, centre_index, staff_index in BENEFICIARIES:
            centre = centres[centre_index]
            if Beneficiary.objects.filter(centre=centre, first_name=first, last_name=last).exists():
                continue
            Beneficiary.objects.create(
                centre=centre,
                first_name=first,
                last_name=last,
                email=email,
                phone=phone,
                birth_year=year,
                postal_code=postal,
                employment_status=status,
                counsellor=staff[staff_index] if staff_index is not None else None,
            )
            created += 1
        cases = load_demo_cases(timezone.localdate())
        self.stdout.write(f"load_demo centres={len(centres)} beneficiaries_created={created} cases_created={cases}")
        if cases and not Skill.objects.exists():
            self.stdout.write(
                "Référentiel ROME absent : les expériences des bilans de démonstration ne sont pas analysées "
                "(lancez `manage.py import_rome` avant `load_demo`, comme le fait `make run`)."
            )
        if not quiet_logins:
            self.stdout.write(
                "\nComptes de démonstration (mot de passe pour tous : "
                + DEMO_PASSWORD
                + ")\n"
                + "\n".join(f"  {role.label:<28} {email}" for email, _, _, _, role in STAFF)
                + f"\n  {'analyste du réseau':<28} {ANALYST[0]}\n"
            )
