"""Counsellors at work, for locust: run by bench/load.py (see docs/performance.md), not on its own.

Each simulated counsellor logs in once, then goes round her working pages with 0.5–2 s of think time between
two clicks; statistics restart once all have logged in, and the run stops by itself `BENCH_DURATION` seconds
later. What she may open comes from a plan written by bench/load.py (`BENCH_PLAN`, a JSON file): for each
demo counsellor, the ids of her cases and beneficiaries, plus occupation codes and search words.

The server runs with production settings behind no proxy: each request carries the `X-Forwarded-Proto: https`
header the TLS-terminating proxy would set (so Django sees a secure request: no HTTPS redirect, CSRF checks the
`Origin` as on HTTPS), and the client sends the `Secure` cookies back over loopback HTTP.
"""

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import quote

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = "demo-trajectoire"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_plan: dict = {}


def plan() -> dict:
    if not _plan:
        with open(os.environ["BENCH_PLAN"], encoding="utf-8") as handle:
            _plan.update(json.load(handle))
    return _plan


PROXY = {"X-Forwarded-Proto": "https"}
# Login times, kept apart: locust resets its statistics once every user has started (so after the logins).
_logins: list[float] = []
_login_failures: list[str] = []


@events.request.add_listener
def _keep_login_times(name, response_time, exception, **kwargs):
    if name.startswith("login"):
        if exception is not None:
            _login_failures.append(f"{name}: {exception}")
        elif name == "login (POST)":
            _logins.append(response_time)


@events.quitting.add_listener
def _write_side_results(environment, **kwargs):
    """Login times and error messages for bench/load.py (BENCH_SIDE), which reads them after the run."""
    if os.environ.get("BENCH_SIDE"):
        errors = [
            {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
            for error in environment.runner.stats.errors.values()
        ]
        with open(os.environ["BENCH_SIDE"], "w", encoding="utf-8") as handle:
            json.dump({"logins_ms": _logins, "login_failures": _login_failures, "errors": errors}, handle)


# Counsellors are dealt out in turn, so that each demo account carries its share of the users.
_next_counsellor = itertools.count()
_started = itertools.count(1)


def _all_logged_in(environment) -> None:
    """The steady state starts when the last counsellor has logged in, not when she was spawned: logins cost a
    password hash each (Argon2, about 0.2 s of CPU and 100 MB), and on a busy machine fifty of them take longer
    than the ramp. Statistics restart then, and the run stops `BENCH_DURATION` seconds later."""
    environment.runner.stats.reset_all()
    if os.environ.get("BENCH_STEADY"):
        with open(os.environ["BENCH_STEADY"], "w", encoding="utf-8") as handle:
            handle.write(str(time.time()))
    gevent.spawn_later(float(os.environ.get("BENCH_DURATION", "60")), environment.runner.quit)


class Counsellor(FastHttpUser):
    wait_time = between(0.5, 2.0)
    default_headers = PROXY

    def on_start(self):
        self.origin = self.host.replace("http://", "https://", 1)
        # The session and CSRF cookies are `Secure`: the client sends them back over the loopback, which stands
        # for the proxy's TLS link (locust's own patch for this no longer works with geventhttpclient 2.6).
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        accounts = plan()["counsellors"]
        self.me = accounts[next(_next_counsellor) % len(accounts)]
        try:
            self.login()
        finally:
            if next(_started) == self.environment.parsed_options.num_users:
                _all_logged_in(self.environment)

    def _get(self, path: str, name: str, headers: dict | None = None) -> None:
        # No redirect is followed: a page that sends her elsewhere (login, 2FA) is a failure, not a fast 200.
        with self.client.get(
            path, name=name, headers={**PROXY, **(headers or {})}, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} on {path} -> {response.headers.get('Location', '')}")

    def login(self):
        page = self.client.get("/connexion/", name="login (GET)", headers=PROXY)
        found = CSRF_INPUT.search(page.text or "")
        if not found:
            raise RuntimeError("no CSRF token on the login page")
        with self.client.post(
            "/connexion/",
            name="login (POST)",
            data={"username": self.me["email"], "password": PASSWORD, "csrfmiddlewaretoken": found.group(1)},
            headers={**PROXY, "Origin": self.origin, "Referer": self.origin + "/connexion/"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "connexion" in (response.headers.get("Location") or ""):
                response.failure(f"login refused (HTTP {response.status_code})")

    def _case(self) -> int:
        return random.choice(self.me["cases"])

    @task(4)
    def home(self):
        self._get("/", "home")

    @task(3)
    def beneficiary_list(self):
        self._get("/beneficiaires/", "beneficiary list")

    @task(2)
    def beneficiary_search(self):
        self._get(f"/beneficiaires/?q={quote(random.choice(self.me['names']))}", "beneficiary search")

    @task(2)
    def beneficiary_page(self):
        self._get(f"/beneficiaires/{random.choice(self.me['beneficiaries'])}/", "beneficiary page")

    @task(5)
    def case_page(self):
        self._get(f"/accompagnements/{self._case()}/", "case page")

    @task(3)
    def profile(self):
        self._get(f"/accompagnements/{self._case()}/profil/", "profile")

    @task(3)
    def pistes(self):
        self._get(f"/accompagnements/{self._case()}/pistes/", "pistes")

    @task(2)
    def funding(self):
        self._get(f"/accompagnements/{self._case()}/financement/", "funding panel")

    @task(2)
    def agenda(self):
        self._get("/agenda/", "agenda")

    @task(2)
    def referential_search(self):
        self._get(f"/referentiel/recherche/?q={quote(random.choice(plan()['words']))}", "referential search")

    @task(3)
    def autocomplete(self):
        # The component asks as she types: three prefixes of one word.
        word = random.choice(plan()["words"])
        for length in (3, 5, len(word)):
            self._get(
                f"/referentiel/autocompletion/metiers/?q={quote(word[:length])}&listbox=bench",
                "autocomplete",
                headers={"HX-Request": "true"},
            )

    @task(2)
    def occupation(self):
        self._get(f"/referentiel/metiers/{random.choice(plan()['occupations'])}/", "occupation page")


if __name__ == "__main__":  # `make bench` runs every file of bench/: this one is driven by bench/load.py
    print("bench/locustfile.py est lancé par bench/load.py (voir docs/performance.md).")
