import pytest
from django.conf import settings


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
