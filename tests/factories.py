from datetime import UTC, date, datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from trajectoire.accounts.enums import Role
from trajectoire.accounts.models import Centre, Membership, User
from trajectoire.cases.enums import EmploymentStatus
from trajectoire.cases.models import Accompaniment, Beneficiary, Session

PASSWORD = "mot-de-passe-de-test"

# Valid SIRETs (SIREN and SIRET both pass the Luhn key), used in turn by CentreFactory.
VALID_SIRETS = [
    "77312345000019",
    "81245678800015",
    "44306184100047",
    "55210055400013",
    "40483304800022",
]


class CentreFactory(DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"CIBC Test {n}")
    siret = factory.Sequence(lambda n: VALID_SIRETS[n % len(VALID_SIRETS)])
    address = "1 place du Capitole"
    postal_code = "31000"
    city = "Toulouse"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"conseiller{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    centre = factory.SubFactory(CentreFactory)
    role = Role.COUNSELLOR


def member(centre: Centre, role: Role, **user_fields) -> User:
    return MembershipFactory(centre=centre, role=role, user=UserFactory(**user_fields)).user


def counsellor(centre: Centre, **user_fields) -> User:
    return member(centre, Role.COUNSELLOR, **user_fields)


def manager(centre: Centre, **user_fields) -> User:
    return member(centre, Role.MANAGER, **user_fields)


class BeneficiaryFactory(DjangoModelFactory):
    class Meta:
        model = Beneficiary

    centre = factory.SubFactory(CentreFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"beneficiaire{n}@exemple.fr")
    phone = "06 12 34 56 78"
    birth_year = 1982
    postal_code = "31200"
    employment_status = EmploymentStatus.PRIVATE_EMPLOYEE
    counsellor = None


class AccompanimentFactory(DjangoModelFactory):
    class Meta:
        model = Accompaniment

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    centre = factory.SelfAttribute("beneficiary.centre")
    counsellor = factory.LazyAttribute(lambda o: counsellor(o.beneficiary.centre))
    kind = "bilan"
    initiated_by = "beneficiary"
    funder = "cpf"
    order_reference = factory.Sequence(lambda n: f"MCF-2026-{n:05d}")
    price_eur = Decimal("1600.00")
    planned_hours = Decimal("24")
    planned_start = date(2026, 3, 2)
    planned_end = date(2026, 5, 29)

    class Params:
        employer_initiated = factory.Trait(initiated_by="employer", funder="skills_plan")


class SessionFactory(DjangoModelFactory):
    """A planned session of a case in its preliminary phase (use the services to mark it held)."""

    class Meta:
        model = Session

    accompaniment = factory.SubFactory(AccompanimentFactory, state="preliminary")
    starts_at = factory.LazyFunction(lambda: datetime(2026, 3, 3, 9, 30, tzinfo=UTC))
    duration_minutes = 120
    mode = "on_site"
    phase = "preliminary"
    created_by = factory.SelfAttribute("accompaniment.counsellor")


def held_session(case: Accompaniment, *, phase: str, starts_at: datetime | None = None, minutes: int = 60) -> Session:
    """A session of `phase` entered through the services and marked held: what the workflow's brakes ask for
    before each move (trajectoire/cases/workflow.py)."""
    from trajectoire.cases.services import session_create, session_mark_held

    starts_at = starts_at or datetime(2026, 3, 3 + case.sessions.count(), 9, 30, tzinfo=UTC)
    session = session_create(
        actor=case.counsellor,
        accompaniment=case,
        data={"starts_at": starts_at, "duration_minutes": minutes, "phase": phase, "mode": "on_site"},
    )
    return session_mark_held(actor=case.counsellor, session=session, held_minutes=minutes, now=starts_at)
