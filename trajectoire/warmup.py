"""Load everything a request would load lazily, before gunicorn forks its workers (deploy/gunicorn.conf.py).

Loaded once in the master and shared copy-on-write by every worker, the matching engine and the referential
search index cost no user request a cold start (they took 14–25 s on a cold worker), and the workers together
keep one copy of their arrays instead of one each. The smaller lazy loads count too: importing every view and the
API through the URL configuration (about 2 s on a busy machine), compiling the templates, reading the French
translation catalogues and the schemes catalogue; left to the first request of each worker, they made it about
1 s (bench/load.py measures it, docs/performance.md).
"""

import gc
import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


def _urls() -> None:
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 (populating the resolver imports every view module and the API)
    resolver.resolve("/")


def _templates() -> None:
    """Compile the project's templates into the cached loader (it keeps them per process, by name)."""
    from pathlib import Path

    from django.template import TemplateSyntaxError, engines

    engine = engines["django"]
    for directory in map(Path, engine.engine.dirs):
        for path in sorted(p for p in directory.rglob("*") if p.suffix in {".html", ".txt"}):
            name = path.relative_to(directory).as_posix()
            try:
                engine.get_template(name)
            except TemplateSyntaxError:  # that page will fail anyway; the others still get compiled
                logger.warning("warmup: template %s does not compile", name, exc_info=True)


def _translations() -> None:
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Bonjour")


def _schemes() -> None:
    from trajectoire.schemes.loader import load_catalogue

    load_catalogue()


def _matching() -> None:
    from trajectoire.engines import get_engine

    get_engine()


def _search_index() -> None:
    from trajectoire.referentials.search import get_index

    get_index()


STEPS: list[tuple[str, Callable[[], None]]] = [
    ("matching_engine_s", _matching),
    ("search_index_s", _search_index),
    ("urls_s", _urls),
    ("templates_s", _templates),
    ("translations_s", _translations),
    ("schemes_s", _schemes),
]


def warm_up() -> dict[str, float]:
    """Load the engines and the lazy parts of Django in this process; return how long each took (seconds).

    A step that fails is logged and skipped (e.g. an empty or unmigrated database for the search index): the
    workers then load that part on first use, slower but correct.
    """
    from django.db import connections

    timings = {}
    for name, step in STEPS:
        start = time.perf_counter()
        try:
            step()
        except Exception:
            logger.warning("warmup: %s skipped", name.removesuffix("_s"), exc_info=True)
        timings[name] = time.perf_counter() - start
    # A connection opened in the master must not be shared by the forked workers.
    connections.close_all()
    # Objects that live for the whole process move to a permanent generation: the collector no longer
    # touches (and so copies) their pages in each worker.
    gc.collect()
    gc.freeze()
    return timings
