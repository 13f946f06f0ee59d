import pytest
from django.conf import settings
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_2FA = False
    settings.DEMO_MODE = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_configure(config):
    # Undefined template variables fail the test instead of rendering as "".
    for engine in settings.TEMPLATES:
        engine["OPTIONS"]["string_if_invalid"] = InvalidVariable("%s")


class InvalidVariable(str):
    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit inconnue : {other!r}")

    def __bool__(self):  # lets `{% if missing %}` still work like Django's default
        return False


@pytest.fixture
def case_world(db):
    """A bilan of Sandrine Lefèvre followed by Claire Martin, and everyone who might try to open it:
    the permission matrices of the case pages use these keys."""
    centre = factories.CentreFactory(name="CIBC Démo Occitanie")
    owner = factories.counsellor(centre, first_name="Claire", last_name="Martin")
    case = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(
            centre=centre, first_name="Sandrine", last_name="Lefèvre", counsellor=owner
        ),
        counsellor=owner,
    )
    return {
        "case": case,
        "owner": owner,
        "colleague": factories.counsellor(centre),
        "manager": factories.manager(centre),
        "other_centre": factories.counsellor(factories.CentreFactory()),
        "analyst": factories.UserFactory(is_network_analyst=True),
        "anonymous": None,
    }


def login_as(client, world, who):
    if world[who] is not None:
        client.force_login(world[who])
    return client


@pytest.fixture
def csrf_client():
    """A test client that checks CSRF as the real server does (Django's default test client skips the check,
    which hides every missing token). Take the token from a page: `page.context["csrf_token"]`."""
    return Client(enforce_csrf_checks=True)
