"""Load the process-wide engines before gunicorn forks its workers (deploy/gunicorn.conf.py).

Loaded once in the master and shared copy-on-write by every worker, the matching engine and the referential
search index cost no user request a cold start (they took 14–25 s on a cold worker), and the workers together
keep one copy of their arrays instead of one each.
"""

import gc
import logging
import time

logger = logging.getLogger(__name__)


def warm_up() -> dict[str, float]:
    """Build the engines in this process; return how long each took (seconds)."""
    from django.db import connections

    from trajectoire.engines import get_engine
    from trajectoire.referentials.search import get_index

    timings = {}
    start = time.perf_counter()
    get_engine()
    timings["matching_engine_s"] = time.perf_counter() - start
    start = time.perf_counter()
    try:
        get_index()
    except Exception:  # an empty or unmigrated database: workers will build the index on first use
        logger.warning("warmup: search index not built (database not ready)", exc_info=True)
    timings["search_index_s"] = time.perf_counter() - start
    # A connection opened in the master must not be shared by the forked workers.
    connections.close_all()
    # Objects that live for the whole process move to a permanent generation: the collector no longer
    # touches (and so copies) their pages in each worker.
    gc.collect()
    gc.freeze()
    return timings
