"""End-to-end tests: Playwright for Python driving Debian's chromium against pytest-django's live server.

Locally, without /usr/bin/chromium, these tests are skipped with a message; in CI (CI=true) a missing
browser is a failure, since .ci/run installs it.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# the database calls that the test's own setup makes from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(tryfirst=True)  # before `-m 'not slow'` deselects
def pytest_collection_modifyitems(config, items):
    # Journeys in a real browser take seconds each: they run in the slow lane of .ci/run (`pytest -m slow`),
    # and `make test` keeps to the one-minute budget.
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.slow)
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"Browser tests need chromium at {CHROMIUM}: .ci/run should have installed it.")
    skip = pytest.mark.skip(reason="chromium introuvable (apt-get install chromium) : tests navigateur ignorés")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Generous waits: on a busy machine (CI with other jobs, or two cores shared) a page that takes 0.3 s alone can
# take several seconds. Every step waits for a visible state, never for a fixed time, so a long timeout costs
# nothing when things go well and turns load into slowness instead of a failure.
STEP_TIMEOUT_MS = 60_000


@pytest.fixture(scope="session")
def warm_engines():
    """Load the matching engine once, before any page needs it: its first load (3 s alone, 25 s under load)
    would otherwise happen inside a click and count against that step's timeout."""
    from trajectoire.engines import get_engine

    get_engine()


@pytest.fixture
def page(browser, warm_engines):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.set_default_navigation_timeout(STEP_TIMEOUT_MS)
    yield page
    context.close()
