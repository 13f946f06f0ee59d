"""Conventions of the house, checked as tests (STYLE.md §11)."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import get_commands

from trajectoire.cases.models import Beneficiary

ROOT = Path(__file__).resolve().parents[1]
OUR_APPS = {"accounts", "cases", "web", "referentials", "funding", "documents"}


def _our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _holds_personal_data(model) -> bool:
    if getattr(model, "PERSONAL_DATA", False):
        return True
    # A model pointing at a beneficiary (directly) holds data about that person.
    return any(getattr(field, "related_model", None) is Beneficiary for field in model._meta.fields)


def test_every_personal_data_model_has_an_access_funnel_and_a_visible_to_queryset():
    missing = []
    for model in _our_models():
        if not _holds_personal_data(model):
            continue
        if not getattr(model, "PERSONAL_DATA", False):
            missing.append(f"{model.__name__}: mark it PERSONAL_DATA = True")
        access = importlib.import_module(f"{model.__module__.rsplit('.', 1)[0]}.access")
        funnel = f"get_{_snake(model.__name__)}_for_user"
        if not callable(getattr(access, funnel, None)):
            missing.append(f"{model.__name__}: {funnel} missing in {access.__name__}")
        if not hasattr(model.objects.all(), "visible_to"):
            missing.append(f"{model.__name__}: its QuerySet has no visible_to(user)")
    assert missing == []


def test_the_consistency_check_knows_at_least_the_beneficiary():
    assert _holds_personal_data(Beneficiary)


@pytest.mark.parametrize("model", _our_models(), ids=lambda m: m._meta.label)
def test_verbose_names_are_lower_case_french(model):
    verbose = str(model._meta.verbose_name)
    assert verbose[:1] == verbose[:1].lower()
    for field in model._meta.fields:
        if field.primary_key and field.auto_created:
            continue
        name = str(field.verbose_name)
        assert name[:1] == name[:1].lower() or name[:4] in {"SIRE", "ROME", "RIAS", "ESCO", "NAF ", "OGR "}, (
            f"{model.__name__}.{field.name}"
        )


def test_every_periodic_job_in_the_cron_file_is_an_existing_command():
    commands = get_commands()
    lines = [line for line in (ROOT / "deploy" / "cron").read_text().splitlines() if line and not line[0] == "#"]
    assert lines
    for line in lines:
        words = shlex.split(line.split("manage.py", 1)[1])
        assert words[0] in commands, line


def test_templates_are_all_used_somewhere():
    templates = ROOT / "trajectoire" / "templates"
    sources = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "trajectoire").rglob("*") if p.suffix in {".py", ".html"}
    )
    django_defaults = {"400.html", "403.html", "403_csrf.html", "404.html", "500.html", "base.html"}
    unused = []
    for template in templates.rglob("*.html"):
        name = template.relative_to(templates).as_posix()
        if name in django_defaults or name.startswith("registration/password_reset"):
            continue
        if f'"{name}"' not in sources and f"'{name}'" not in sources:
            unused.append(name)
    assert unused == []
