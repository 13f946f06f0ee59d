"""gunicorn settings for Trajectoire: `gunicorn -c deploy/gunicorn.conf.py trajectoire.config.wsgi:application`.

The application and its engines are loaded in the master before forking (preload), so that no user request
pays a cold start and the workers share the engines' memory. Reload means a restart (`systemctl restart`),
not `kill -HUP`, since preloaded code is not re-imported by a HUP.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Behind the reverse proxy: it terminates TLS and sets X-Forwarded-Proto (see README, production).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def when_ready(server):
    from trajectoire.warmup import warm_up

    timings = warm_up()
    server.log.info("warmup " + " ".join(f"{name}={value:.2f}" for name, value in timings.items()))


def post_worker_init(worker):
    """Open the worker's database connection before it takes a request: starting a PostgreSQL backend (fork,
    authentication, catalogue caches) is otherwise paid by the worker's first user. A database that is not
    reachable yet is not a reason to refuse to boot: the first request will connect (or show the error page)."""
    from django.db import connection

    try:
        connection.ensure_connection()
    except Exception as error:  # logged; the request path reports database errors itself
        worker.log.warning(f"post_worker_init: no database connection yet ({error})")
