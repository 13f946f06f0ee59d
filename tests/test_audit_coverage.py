"""Every page that shows personal data leaves a trace in the audit log, and every refusal too.

The URL resolver is enumerated: each pattern of the web app and the API is either exercised here or listed in
NO_PERSONAL_DATA with the reason. For a pattern that takes an object's id, a GET by the case's counsellor must
write at least one VIEW/LIST/EXPORT row naming the object or its person, and a GET by a counsellor of another
centre must write a DENIED row. A pattern that answers GET with 405 shows nothing and needs no row (the test
checks the 405). A new page of personal data that records nothing, or a new URL nobody classified, fails here.
"""

import re
from datetime import date, timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import AccompanimentFactory, BeneficiaryFactory, CentreFactory, counsellor, manager
from trajectoire.accounts.enums import AuditAction
from trajectoire.accounts.models import AuditEvent
from trajectoire.cases.models import (
    ActionStep,
    Attendance,
    CaseTask,
    Consent,
    Experience,
    Piste,
    ProfileSkill,
    Session,
    Synthesis,
    SynthesisVersion,
)
from trajectoire.funding.models import SchemeEvaluation
from trajectoire.web.cases.synthesis_views import PERSON_LINK_SALT

pytestmark = pytest.mark.django_db

READS = {AuditAction.VIEW, AuditAction.LIST, AuditAction.EXPORT}

# Pages and API operations that show no one's personal data, and why. Everything else must record its reads.
NO_PERSONAL_DATA = {
    "web:login": "login form",
    "web:logout": "logout (POST)",
    "web:otp_setup": "the user's own second factor",
    "web:otp_verify": "the user's own second factor",
    "web:otp_remove": "the user's own second factor",
    "web:password_reset": "password reset by e-mail: the user's own account",
    "web:password_reset_done": "password reset: a message",
    "web:password_reset_confirm": "password reset: the user's own account",
    "web:password_reset_complete": "password reset: a message",
    "web:switch_centre": "choice of centre among the user's memberships",
    "web:beneficiary_create": "an empty form (the centre's counsellors are staff, not accompanied people)",
    "web:explore": "tries a profile typed on the spot; nothing about a person is read or stored",
    "web:audit_log": "the journal itself: identifiers of its own events; reading it is not an access to a file",
    "web:scheme_rules": "the rule catalogue",
    "web:referential_browse": "ROME reference data",
    "web:referential_search": "ROME reference data",
    "web:referential_domain": "ROME reference data",
    "web:referential_occupation": "ROME reference data",
    "web:referential_skill": "ROME reference data",
    "web:referential_autocomplete": "ROME reference data",
    "web:agenda_feeds": "the user's own calendar feed addresses",
    "web:agenda_feed_revoke": "the user's own calendar feed (POST)",
    "web:agenda_ics": (
        "ICS feed without login (a secret address): its EXPORT rows are tested in tests/web/test_agenda.py"
    ),
    "web:session_person_cancel": "the person's own appointment through their signed link; tests/web/test_agenda.py",
    "api-v1:api-root": "API index",
    "api-v1:openapi-json": "API schema",
    "api-v1:openapi-view": "API documentation",
    "api-v1:me": "the user's own account and centres",
    "api-v1:occupation_search": "ROME reference data",
    "api-v1:skill_search": "ROME reference data",
    "api-v1:occupation_detail": "ROME reference data",
    "api-v1:schemes_evaluate": "facts sent by the caller, nothing stored or read (POST)",
    "api-v1:schemes_facts": "the facts' vocabulary",
    "api-v1:schemes_rules": "the rule catalogue",
    "api-v1:extract": "text sent by the caller, nothing stored or read (POST)",
    "api-v1:recommend": "profile sent by the caller, nothing stored or read (POST)",
}

# Pages without an object id that list people: who opens them, and which kind of object the LIST row names.
LIST_PAGES = {
    "web:home": ("owner", "cases.beneficiary"),
    "web:beneficiary_list": ("owner", "cases.beneficiary"),
    "web:calendar": ("owner", "cases.session"),
    "web:agenda_plan": ("owner", "cases.accompaniment"),
    "web:centre_cases": ("manager", "cases.accompaniment"),
}
# Exports without an object id: one EXPORT row saying how many people the file held.
EXPORT_PAGES = {"web:centre_cases_csv": "manager"}


def _patterns(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the technical admin exposes no personal data (README, « Accounts »)
            yield from _patterns(pattern, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}", prefix + str(pattern.pattern)


ALL = dict(_patterns())
OBJECT_PAGES = sorted(
    name
    for name, route in ALL.items()
    if name not in NO_PERSONAL_DATA and name not in LIST_PAGES and name not in EXPORT_PAGES
)


@pytest.fixture
def world(db):
    """One bilan with one record of every kind a page can open, and the people who may or may not open it."""
    centre = CentreFactory(name="CIBC Démo Occitanie")
    owner = counsellor(centre, first_name="Claire", last_name="Martin")
    beneficiary = BeneficiaryFactory(centre=centre, first_name="Aïcha", last_name="Diallo", counsellor=owner)
    case = AccompanimentFactory(beneficiary=beneficiary, counsellor=owner, state="investigation")
    now = timezone.now()
    session = Session.objects.create(
        accompaniment=case,
        starts_at=now,
        duration_minutes=120,
        phase="investigation",
        created_by=owner,
        shared_notes="Enquêtes métiers à mener.",
        private_notes="Notes de travail.",
    )
    synthesis = Synthesis.objects.create(accompaniment=case, updated_by=owner, circumstances="Bilan engagé.")
    SynthesisVersion.objects.create(synthesis=synthesis, number=1, created_by=owner, circumstances="Bilan engagé.")
    experience = Experience.objects.create(
        accompaniment=case, job_title="Agent de service hospitalier", employer_type="public", description="Soins."
    )
    piste = Piste.objects.create(accompaniment=case, code_rome="J1501", label="Aide-soignant")
    objects = {
        "beneficiary": beneficiary,
        "case": case,
        "session": session,
        "consent": Consent.objects.create(
            accompaniment=case, kind="bilan_agreement", given_on=date(2026, 3, 2), recorded_by=owner
        ),
        "experience": experience,
        "skill": ProfileSkill.objects.create(
            accompaniment=case, code_ogr="123456", label="Entretenir les locaux", provenance="declared"
        ),
        "piste": piste,
        "step": ActionStep.objects.create(accompaniment=case, piste=piste, kind="training", description="DEAS"),
        "evaluation": SchemeEvaluation.objects.create(
            accompaniment=case, evaluated_on=date(2026, 3, 2), catalogue_version="test", created_by=owner
        ),
        "task": CaseTask.objects.create(
            accompaniment=case, session=session, kind="no_show_follow_up", due_on=date.today() + timedelta(days=3)
        ),
        "attendance": Attendance.objects.create(
            session=session,
            method="counsellor_evidence",
            evidence="Connexion à 9 h 02.",
            signed_at=now,
            confirmed_by=owner,
        ),
        "synthesis": synthesis,
    }
    return {
        **objects,
        "owner": owner,
        "manager": manager(centre),
        "other_centre": counsellor(CentreFactory(name="CIBC Démo Bretagne")),
    }


# URL keyword → the world's object whose id it takes (pk is the beneficiary's under /beneficiaires/).
KWARG_OBJECTS = {
    "beneficiary_pk": "beneficiary",
    "session_pk": "session",
    "consent_pk": "consent",
    "experience_pk": "experience",
    "skill_pk": "skill",
    "piste_pk": "piste",
    "step_pk": "step",
    "evaluation_pk": "evaluation",
    "task_pk": "task",
    "attendance_pk": "attendance",
}
KWARG_WORDS = {"move": "start", "verdict": "accepter"}


def _url(world, name: str) -> str:
    route = ALL[name]
    kwargs = {}
    for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if kwarg == "pk":
            kwargs[kwarg] = world["beneficiary" if route.startswith("beneficiaires/") else "case"].pk
        elif kwarg == "token":
            synthesis = world["synthesis"]
            kwargs[kwarg] = signing.dumps({"s": synthesis.pk, "v": synthesis.version}, salt=PERSON_LINK_SALT)
        elif kwarg in KWARG_OBJECTS:
            kwargs[kwarg] = world[KWARG_OBJECTS[kwarg]].pk
        elif kwarg in KWARG_WORDS:
            kwargs[kwarg] = KWARG_WORDS[kwarg]
        else:
            pytest.fail(f"{name}: teach this test which object the URL keyword « {kwarg} » names ({route})")
    return reverse(name, kwargs=kwargs)


def _names_the_object_or_person(world, event: AuditEvent) -> bool:
    if event.beneficiary_id == world["beneficiary"].pk:
        return True
    return any(
        event.object_type == obj._meta.label_lower and event.object_id == str(obj.pk)
        for key, obj in world.items()
        if hasattr(obj, "_meta") and key not in {"owner", "manager", "other_centre"}
    )


def _client(world, who: str | None) -> Client:
    client = Client()
    if who is not None:
        client.force_login(world[who])
    return client


def test_every_url_is_classified_and_the_lists_are_not_stale():
    known = set(NO_PERSONAL_DATA) | set(LIST_PAGES) | set(EXPORT_PAGES)
    assert known - set(ALL) == set(), "remove these names: their URLs are gone"
    # The object pages are everything else; the count is printed so that the report can quote it.
    print(f"audit coverage: {len(ALL)} URL patterns, {len(OBJECT_PAGES)} object pages, {len(LIST_PAGES)} lists")
    assert len(OBJECT_PAGES) >= 20


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_a_page_of_an_object_records_its_read_and_its_refusal(world, name):
    url = _url(world, name)
    anonymous_link = name == "web:synthesis_person"
    if anonymous_link:
        # The person's own download: no account, a signed link; it needs the validated version.
        world["synthesis"].validated_version = world["synthesis"].version
        world["synthesis"].validated_on = date(2026, 5, 29)
        world["synthesis"].save()
    response = _client(world, None if anonymous_link else "owner").get(url)
    if response.status_code == 405:
        assert AuditEvent.objects.filter(action__in=READS).count() == 0
        return  # POST only: a GET shows nothing
    assert 200 <= response.status_code < 300, f"{name}: GET {url} → {response.status_code}"
    reads = [e for e in AuditEvent.objects.filter(action__in=READS) if _names_the_object_or_person(world, e)]
    assert reads, f"{name}: GET {url} showed personal data and wrote no VIEW/LIST/EXPORT row naming it"
    assert all(e.centre_id == world["case"].centre_id for e in reads)
    if anonymous_link:
        return  # nobody to refuse: a wrong or expired link is a plain 404
    AuditEvent.objects.all().delete()
    response = _client(world, "other_centre").get(url)
    assert response.status_code in {403, 404}, f"{name}: another centre got {response.status_code}"
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED)
    assert denied.exists(), f"{name}: a refused GET wrote no DENIED row"
    assert not AuditEvent.objects.filter(action__in=READS).exists()
    assert denied.filter(centre_id=world["case"].centre_id).exists()


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_a_list_of_people_records_how_many_were_shown(world, name):
    who, object_type = LIST_PAGES[name]
    response = _client(world, who).get(reverse(name))
    assert response.status_code == 200
    row = AuditEvent.objects.get(action=AuditAction.LIST, object_type=object_type)
    assert row.shown_count == 1
    assert row.centre_id == world["case"].centre_id
    assert row.actor == world[who]


@pytest.mark.parametrize("name", sorted(EXPORT_PAGES))
def test_an_export_of_a_list_records_how_many_people_it_held(world, name):
    response = _client(world, EXPORT_PAGES[name]).get(reverse(name))
    assert response.status_code == 200
    row = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert row.shown_count == 1
