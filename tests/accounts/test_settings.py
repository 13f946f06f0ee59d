"""Settings stop start-up on unreadable or unsafe configuration (checked in a fresh interpreter)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trajectoire.config.env import env_bool, env_str

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import trajectoire.config.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_unreadable_boolean_stops_start_up_with_its_name():
    result = _import_settings(REQUIRE_2FA="maybe")
    assert result.returncode != 0
    assert "REQUIRE_2FA='maybe' is not a boolean" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings(ENVIRONMENT="production", ALLOWED_HOSTS="trajectoire.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _import_settings(ENVIRONMENT="production", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_its_required_settings_and_secure_defaults():
    code = (
        "from trajectoire.config import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.REQUIRE_2FA)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        ENVIRONMENT="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="trajectoire.example.org",
        EMAIL_HOST="smtp.example.org",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"]


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("False", False), ("1", True), ("off", False)])
def test_booleans_accept_only_clear_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=not expected) is expected


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-from-file\n")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert env_str("SOME_SECRET") == "s3cr3t-from-file"


def test_french_locale_and_paris_time_zone(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.PASSWORD_HASHERS  # overridden in tests; the real first hasher is checked below


def test_argon2_is_the_first_password_hasher():
    from trajectoire.config import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
