"""The warm-up gunicorn runs in its master before forking (deploy/gunicorn.conf.py, trajectoire/warmup.py)."""

import gc
import logging
import runpy
from pathlib import Path

import pytest
from django.template import engines

from trajectoire import warmup

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fast_steps(monkeypatch):
    """Every step but the two engines (about 15 s; their loaders have their own tests)."""
    slow = {"matching_engine_s", "search_index_s"}
    monkeypatch.setattr(warmup, "STEPS", [step for step in warmup.STEPS if step[0] not in slow])
    yield
    gc.unfreeze()


def test_gunicorn_preloads_the_app_and_warms_it_up_before_forking():
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    # when_ready is the hook gunicorn calls in the master after loading the app and before forking workers.
    assert "warm_up" in config["when_ready"].__code__.co_names


@pytest.mark.django_db
def test_warm_up_compiles_the_templates_into_the_cached_loader(fast_steps):
    timings = warmup.warm_up()
    assert set(timings) == {"urls_s", "templates_s", "translations_s", "schemes_s"}
    loader = engines["django"].engine.template_loaders[0]
    assert "cases/detail.html" in {key.split("-")[0] for key in loader.get_template_cache}


@pytest.mark.django_db
def test_a_failing_step_is_logged_and_the_others_still_run(fast_steps, monkeypatch, caplog):
    def broken() -> None:
        raise RuntimeError("base absente")

    monkeypatch.setattr(warmup, "STEPS", [("broken_s", broken), *warmup.STEPS])
    with caplog.at_level(logging.WARNING, logger="trajectoire.warmup"):
        timings = warmup.warm_up()
    assert "broken_s" in timings and "templates_s" in timings
    assert "warmup: broken skipped" in caplog.text
