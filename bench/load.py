"""Load and start-up of the whole application, measured: gunicorn on PostgreSQL with the demo, driven by locust.

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--spawn-rate 10] [--workers 4] [--reuse] [--keep-db]

1. A throwaway PostgreSQL database on 127.0.0.1:5432 (`BENCH_PG_URL` to change), migrated and filled with the
   ROME referential, the tension and the demo (`--reuse` keeps the filled database as a template for the next runs:
   `createdb -T` takes seconds instead of a minute; `dropdb trajectoire_bench_template` forgets it).
2. gunicorn with deploy/gunicorn.conf.py on a free loopback port, with ENVIRONMENT=production (hashed static files,
   secure cookies, HTTPS redirect, HSTS) and REQUIRE_2FA=false so that the demo counsellors log in with a password.
   No TLS proxy is run: the clients send the `X-Forwarded-Proto: https` header the proxy would set (see
   bench/locustfile.py), which is how the production settings trust HTTPS; no setting is weakened.
3. Start-up: time until the first answer, whether the workers were forked after the warm-up (gunicorn's log), then
   one round of every page sent to all workers at once (each worker's first request after the fork), and each
   process's memory (PSS from /proc/<pid>/smaps_rollup: shared pages counted once over the processes, so the sum
   is the real memory; RSS for comparison).
4. locust headless: `--users` counsellors log in once, then go round their pages with 0.5–2 s of think time for
   `--duration` seconds after the last login (statistics restart then: logins are reported apart). Memory is
   sampled every 0.5 s, and the CPU time of gunicorn and of the PostgreSQL backends is taken over the steady state.

Prints one row per page (requests, failures, p50/p95/p99 in ms, requests per second), the overall row, the server
CPU per request, the logins, the start-up figures and the bars. Exit status: 1 on any error (failed request, 5xx,
traceback in the server log, worker replaced, workers forked before the warm-up), 2 when only a latency or memory
bar fails (`--errors-only` gives 0 then, for CI machines). See docs/performance.md.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
TEMPLATE_DB = "trajectoire_bench_template"
STATIC_CACHE = ROOT / "var" / "bench" / "static"

# The bars of issue 17, item 8.
P95_OVERALL_MS = 100
P95_PAGE_MS = 150
FIRST_REQUEST_S = 1.0
MEMORY_MB = 800

COUNSELLORS = [
    "claire.martin@demo.trajectoire.fr",
    "karim.benali@demo.trajectoire.fr",
    "yann.le-goff@demo.trajectoire.fr",
]
# What counsellors type in the referential search: occupations people leave and go to, with accents and typos.
WORDS = [
    "infirmier",
    "aide-soignante",
    "comptable",
    "boulanger",
    "électricien",
    "développeur",
    "assistante de direction",
    "secrétaire médicale",
    "conducteur de bus",
    "maçon",
    "formatrice",
    "commercial",
    "jardinier",
    "cuisinier",
    "educateur specialise",
    "logisticien",
]
LOGIN_NAMES = ("login (GET)", "login (POST)")

PLAN_SCRIPT = """
import json
from trajectoire.accounts.models import User
from trajectoire.cases.models import Accompaniment, Beneficiary
from trajectoire.referentials.models import Occupation

emails, words = EMAILS, WORDS
plan = {"counsellors": [], "words": words}
for email in emails:
    user = User.objects.get(email=email)
    cases = list(Accompaniment.objects.filter(counsellor=user).order_by("pk").values_list("pk", flat=True))
    if not cases:  # the demo gives no case to some counsellors: they would only see empty pages
        continue
    people = Beneficiary.objects.filter(counsellor=user).order_by("pk")
    plan["counsellors"].append({
        "email": email,
        "cases": cases,
        "beneficiaries": list(people.values_list("pk", flat=True)),
        "names": sorted({name for name in people.values_list("last_name", flat=True) if name}),
    })
plan["occupations"] = list(Occupation.objects.filter(is_active=True).order_by("?").values_list("code", flat=True)[:40])
print(json.dumps(plan))
"""


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def pg(cmd: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    host, port, user = _pg_parts()
    return subprocess.run(
        [cmd, "-h", host, "-p", port, "-U", user, *args], check=check, capture_output=True, text=True
    )


def _pg_parts() -> tuple[str, str, str]:
    found = re.match(r"postgres(?:ql)?://([^@/]+)@([^:/]+):(\d+)", PG_URL)
    if not found:
        sys.exit(f"BENCH_PG_URL={PG_URL!r} : attendu postgres://utilisateur@hôte:port")
    return found.group(2), found.group(3), found.group(1)


def database_exists(name: str) -> bool:
    out = pg("psql", "-Atc", f"select 1 from pg_database where datname = '{name}'", "postgres").stdout
    return out.strip() == "1"


def prepare_database(name: str, *, reuse: bool, env: dict) -> float:
    """Create and fill `name`; return the seconds it took."""
    start = time.perf_counter()
    if reuse and database_exists(TEMPLATE_DB):
        pg("createdb", "-T", TEMPLATE_DB, name)
        print(f"base : copie du modèle {TEMPLATE_DB}")
        run([str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"], env)  # a newer migration
        return time.perf_counter() - start
    pg("createdb", name)
    print(f"base : {name} créée, migration et imports (une minute environ ; --reuse la garde pour la suite)")
    python = str(VENV_BIN / "python")
    run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([python, "manage.py", "import_rome", "--if-empty", "--json"], env, stdout=subprocess.DEVNULL)
    run([python, "manage.py", "import_tension", "--if-empty", "--json"], env, stdout=subprocess.DEVNULL)
    run(
        [python, "manage.py", "load_demo", "--quiet-logins"], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if reuse:
        pg("dropdb", "--if-exists", TEMPLATE_DB)
        pg("createdb", "-T", name, TEMPLATE_DB)
    return time.perf_counter() - start


def static_is_stale() -> bool:
    """Whether the collected static files are older than a source file: collectstatic compresses every file
    again even when none changed (two minutes on a busy machine), so the bench keeps its copy between runs."""
    manifest = STATIC_CACHE / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in (ROOT / "trajectoire").rglob("static/**/*") if path.is_file())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Memory ------------------------------------------------------------------------------------------------


def memory_kb(pid: int) -> dict[str, int]:
    """Rss and Pss of one process in kB (smaps_rollup: one line per figure, summed over its mappings)."""
    figures = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in {"Rss", "Pss"}:
                figures[key] = int(rest.split()[0])
    return figures


def worker_pids(master: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{master}/task").iterdir():
        pids += [int(pid) for pid in (task / "children").read_text().split()]
    return sorted(pids)


def memory_snapshot(master: int) -> dict:
    workers = {}
    for pid in worker_pids(master):
        try:
            workers[pid] = memory_kb(pid)
        except FileNotFoundError:  # a worker that was just replaced
            continue
    master_kb = memory_kb(master)
    return {
        "master": master_kb,
        "workers": workers,
        "total_pss_mb": (master_kb["Pss"] + sum(w["Pss"] for w in workers.values())) / 1024,
        "total_rss_mb": (master_kb["Rss"] + sum(w["Rss"] for w in workers.values())) / 1024,
    }


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (fields 14 and 15 of /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(master: int, db: str) -> list[int]:
    """gunicorn's processes and the PostgreSQL backends serving this database (persistent connections)."""
    backends = pg("psql", "-Atc", f"select pid from pg_stat_activity where datname = '{db}'", "postgres").stdout
    return [master, *worker_pids(master), *(int(pid) for pid in backends.split())]


def describe_memory(label: str, snap: dict) -> str:
    workers = ", ".join(f"{w['Pss'] / 1024:.0f}/{w['Rss'] / 1024:.0f}" for w in snap["workers"].values())
    return (
        f"{label} : total PSS {snap['total_pss_mb']:.0f} Mo (RSS additionnée {snap['total_rss_mb']:.0f} Mo) — "
        f"maître PSS/RSS {snap['master']['Pss'] / 1024:.0f}/{snap['master']['Rss'] / 1024:.0f} Mo, "
        f"workers PSS/RSS {workers} Mo"
    )


# --- Start-up ----------------------------------------------------------------------------------------------


class Browser:
    """A minimal HTTP client with cookies, for the start-up round (locust is not running yet)."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, float]:
        body = None
        headers = {"X-Forwarded-Proto": "https", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Origin"] = self.base.replace("http://", "https://", 1)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        start = time.perf_counter()
        try:
            with _no_redirect.open(request, timeout=60) as response:
                status, text, set_cookies = (
                    response.status,
                    response.read().decode(),
                    response.headers.get_all("Set-Cookie"),
                )
        except urllib.error.HTTPError as error:
            status, text, set_cookies = error.code, error.read().decode(), error.headers.get_all("Set-Cookie")
        elapsed = time.perf_counter() - start
        for cookie in set_cookies or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return status, text, elapsed

    def login(self, email: str) -> float:
        status, text, first = self.request("/connexion/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if status != 200 or not token:
            raise RuntimeError(f"page de connexion : HTTP {status}")
        status, _, second = self.request(
            "/connexion/", {"username": email, "password": "demo-trajectoire", "csrfmiddlewaretoken": token.group(1)}
        )
        if status != 302:
            raise RuntimeError(f"connexion de {email} refusée : HTTP {status}")
        return first + second


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_no_redirect = urllib.request.build_opener(_NoRedirect)


def wait_until_up(base: str, server: subprocess.Popen, started: float) -> float:
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté (code {server.returncode}) avant de répondre")
        try:
            status, _, _ = Browser(base).request("/connexion/")
            if status == 200:
                return time.perf_counter() - started
        except (ConnectionError, urllib.error.URLError):
            pass
        if time.perf_counter() - started > 300:
            raise RuntimeError("gunicorn ne répond pas après 300 s")
        time.sleep(0.1)


def first_requests(base: str, plan: dict, workers: int) -> tuple[float, dict[str, float], float]:
    """The first request of the server, then every page sent `workers` times at once: a sync worker takes one
    request at a time, so each worker gets one and pays its own first request. Returns the very first page's
    time, the slowest of each round, and the login time."""
    me = plan["counsellors"][0]
    case = me["cases"][0]
    pages = {
        "home": "/",
        "case page": f"/accompagnements/{case}/",
        "profile": f"/accompagnements/{case}/profil/",
        "pistes": f"/accompagnements/{case}/pistes/",
        "funding panel": f"/accompagnements/{case}/financement/",
        "agenda": "/agenda/",
        "beneficiary list": "/beneficiaires/",
        "referential search": "/referentiel/recherche/?q=infirmier",
        "autocomplete": "/referentiel/autocompletion/metiers/?q=boulan",
        "occupation page": f"/referentiel/metiers/{plan['occupations'][0]}/",
    }
    browsers = [Browser(base) for _ in range(workers)]
    login_s = max(browser.login(me["email"]) for browser in browsers)
    status, _, very_first = browsers[0].request(pages["pistes"])
    if status != 200:
        raise RuntimeError(f"première page : HTTP {status}")
    slowest = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for name, path in pages.items():
            results = list(pool.map(lambda browser, path=path: browser.request(path), browsers))
            bad = [status for status, _, _ in results if status != 200]
            if bad:
                raise RuntimeError(f"{name} ({path}) : HTTP {bad[0]} au démarrage")
            slowest[name] = max(elapsed for _, _, elapsed in results)
    return very_first, slowest, login_s


# --- locust ------------------------------------------------------------------------------------------------


def percentile(histogram: dict[int, int], fraction: float) -> float:
    """locust's own rule: the smallest response time (its buckets) with at least `fraction` of requests below."""
    total = sum(histogram.values())
    if not total:
        return 0.0
    wanted = fraction * total
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= wanted:
            return float(value)
    return float(max(histogram))


def merged(entries: list[dict]) -> dict:
    histogram: dict[int, int] = {}
    for entry in entries:
        for value, count in entry["response_times"].items():
            histogram[int(float(value))] = histogram.get(int(float(value)), 0) + count
    return {
        "requests": sum(e["num_requests"] for e in entries),
        "failures": sum(e["num_failures"] for e in entries),
        "histogram": histogram,
        "start": min((e["start_time"] for e in entries), default=0),
        "end": max((e["last_request_timestamp"] or 0 for e in entries), default=0),
    }


def row(name: str, data: dict, seconds: float) -> str:
    h = data["histogram"]
    return (
        f"{name:<22}{data['requests']:>8}{data['failures']:>6}"
        f"{percentile(h, 0.50):>8.0f}{percentile(h, 0.95):>8.0f}{percentile(h, 0.99):>8.0f}"
        f"{data['requests'] / seconds if seconds else 0:>9.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="conseillers simulés (50)")
    parser.add_argument("--duration", type=int, default=60, help="secondes de régime établi mesurées (60)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="conseillers démarrés par seconde (10)")
    parser.add_argument("--workers", type=int, default=4, help="workers gunicorn (4)")
    parser.add_argument("--reuse", action="store_true", help=f"copier la base modèle {TEMPLATE_DB} (créée au besoin)")
    parser.add_argument("--keep-db", action="store_true", help="ne pas supprimer la base à la fin")
    parser.add_argument("--errors-only", action="store_true", help="code de sortie non nul seulement sur erreur")
    args = parser.parse_args()

    if subprocess.run(["pg_isready", "-q", "-h", _pg_parts()[0], "-p", _pg_parts()[1]]).returncode != 0:
        print(f"PostgreSQL ne répond pas sur {PG_URL} (BENCH_PG_URL pour un autre serveur).")
        return 1
    load_before = os.getloadavg()
    db = f"trajectoire_bench_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="trajectoire-load-"))
    base_env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SQLITE_PATH"}}
    base_env["DATABASE_URL"] = f"{PG_URL}/{db}"
    dev_env = {**base_env, "ENVIRONMENT": "development", "DEMO_MODE": "true", "LOG_LEVEL": "WARNING"}
    port = free_port()
    prod_env = {
        **base_env,
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Never used: no page of the bench sends e-mail; production only refuses to start without it.
        "EMAIL_HOST": "127.0.0.1",
        "REQUIRE_2FA": "false",
        "STATIC_ROOT": str(STATIC_CACHE),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "LOG_LEVEL": "WARNING",
    }
    server = None
    log_path = None
    failures: list[str] = []
    try:
        prep_s = prepare_database(db, reuse=args.reuse, env=dev_env)
        if static_is_stale():
            print(f"fichiers statiques : collectstatic dans {STATIC_CACHE.relative_to(ROOT)} (une à deux minutes)")
            run([str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"], prod_env)
        script = PLAN_SCRIPT.replace("EMAILS", repr(COUNSELLORS)).replace("WORDS", repr(WORDS))
        plan = json.loads(
            run(
                [str(VENV_BIN / "python"), "manage.py", "shell", "-c", script], dev_env, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        print(
            f"base prête en {prep_s:.0f} s ; dossiers par conseiller : "
            + ", ".join(f"{c['email'].split('@')[0]} {len(c['cases'])}" for c in plan["counsellors"])
        )

        log_path = workdir / "gunicorn.log"
        base = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        with open(log_path, "w", encoding="utf-8") as log:
            server = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "trajectoire.config.wsgi:application"],
                env=prod_env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        up_s = wait_until_up(base, server, started)
        while len(worker_pids(server.pid)) < args.workers and time.perf_counter() - started < 300:
            time.sleep(0.1)  # the first worker may answer before the last one is forked
        workers_at_start = worker_pids(server.pid)
        mem_start = memory_snapshot(server.pid)
        very_first, first_round, cold_login_s = first_requests(base, plan, args.workers)
        mem_first = memory_snapshot(server.pid)

        # locust in its own process (it patches the standard library with gevent).
        ramp = args.users / args.spawn_rate
        stats_path = workdir / "locust.json"
        side_path = workdir / "side.json"
        steady_path = workdir / "steady"
        # Peaks while the counsellors log in and in the steady state, apart: each login hashes a password with
        # Argon2, which takes 100 MB for a moment in the worker doing it.
        peak = {"logins": mem_first, "steady": None}
        cpu: dict = {}  # the server's CPU time over the steady state: application and database
        stop_sampling = threading.Event()

        def sample() -> None:
            while not stop_sampling.wait(0.5):
                snap = memory_snapshot(server.pid)
                phase = "steady" if steady_path.exists() else "logins"
                if phase == "steady" and "start" not in cpu:
                    cpu["pids"] = server_pids(server.pid, db)
                    cpu["start"] = cpu_seconds(cpu["pids"])
                if peak[phase] is None or snap["total_pss_mb"] > peak[phase]["total_pss_mb"]:
                    peak[phase] = snap

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        locust_started = time.time()
        locust = subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f",
                "bench/locustfile.py",
                "--headless",
                "--only-summary",
                "--skip-log-setup",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                # A backstop only: the locustfile stops the run `--duration` seconds after the last login.
                "--run-time",
                f"{int(ramp + args.duration + 600)}s",
                "--stop-timeout",
                "3",
                "--host",
                base,
                "--json-file",
                str(stats_path.with_suffix("")),
            ],
            env={
                **os.environ,
                "BENCH_PLAN": str(plan_path),
                "BENCH_SIDE": str(side_path),
                "BENCH_STEADY": str(steady_path),
                "BENCH_DURATION": str(args.duration),
            },
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        stop_sampling.set()
        sampler.join()
        cpu_used = cpu_seconds(cpu["pids"]) - cpu["start"] if "start" in cpu else 0.0
        mem_end = memory_snapshot(server.pid)
        if peak["steady"] is None:
            peak["steady"] = mem_end
        workers_at_end = worker_pids(server.pid)
        load_after = os.getloadavg()
        if not stats_path.exists() or not steady_path.exists():
            print(locust.stdout[-3000:], locust.stderr[-3000:])
            raise RuntimeError(f"locust n'a pas atteint le régime établi (code {locust.returncode})")
        logins_done_s = float(steady_path.read_text()) - locust_started
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
        side = json.loads(side_path.read_text(encoding="utf-8")) if side_path.exists() else {}
        logins = side.get("logins_ms", [])
    except Exception:
        if log_path is not None and log_path.exists():
            print("journal du serveur (fin) :\n" + log_path.read_text(encoding="utf-8", errors="replace")[-6000:])
        raise
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep_db:
            pg("dropdb", "--if-exists", db, check=False)
        elif database_exists(db):
            print(f"base gardée : DATABASE_URL={PG_URL}/{db}")

    server_log = log_path.read_text(encoding="utf-8", errors="replace")
    shutil.rmtree(workdir, ignore_errors=True)

    # --- Report ----------------------------------------------------------------------------------------------
    pages = sorted((e for e in stats if e["name"] not in LOGIN_NAMES), key=lambda e: e["name"])
    overall = merged(pages)
    seconds = max(overall["end"] - overall["start"], 1e-9)
    print()
    print(
        f"{args.users} conseillers, pause 0,5–2 s, {args.workers} workers : régime établi mesuré {seconds:.0f} s, "
        f"à partir de la dernière connexion ({logins_done_s:.0f} s après le départ, montée de {ramp:.0f} s)"
    )
    print(f"{'page':<22}{'requêtes':>8}{'échecs':>6}{'p50':>8}{'p95':>8}{'p99':>8}{'req/s':>9}   (ms)")
    slow_pages = []
    for entry in pages:
        data = merged([entry])
        print(row(entry["name"], data, seconds))
        if percentile(data["histogram"], 0.95) > P95_PAGE_MS:
            slow_pages.append(entry["name"])
    print(row("ensemble", overall, seconds))
    if overall["requests"]:
        print(
            "CPU du serveur en régime établi (gunicorn et PostgreSQL) : "
            f"{cpu_used * 1000 / overall['requests']:.0f} ms par requête, "
            f"{cpu_used / seconds:.2f} cœur occupé en moyenne (sur {os.cpu_count()})"
        )
    login_ms = sorted(logins)
    if login_ms:
        print(
            f"connexions (hors régime) : {len(login_ms)} POST, p50 {login_ms[len(login_ms) // 2]:.0f} ms, "
            f"max {login_ms[-1]:.0f} ms, {len(side.get('login_failures', []))} en échec"
        )
    print()
    warmup = re.search(r"warmup (.+)", server_log)
    booting = server_log.find("Booting worker")
    forked_after = warmup is not None and -1 < warmup.start() < booting
    print(
        f"démarrage : première réponse {up_s:.1f} s après le lancement "
        f"({warmup.group(1) if warmup else 'warm-up ?'}) ; workers forkés {'après' if forked_after else 'AVANT'} "
        "le warm-up"
    )
    print(
        f"premières requêtes : toute première page (pistes) {very_first * 1000:.0f} ms ; premier tour sur les "
        f"{args.workers} workers à la fois, le plus lent par page : "
        + ", ".join(f"{name} {value * 1000:.0f}" for name, value in first_round.items())
        + f" ms ; connexion {cold_login_s * 1000:.0f} ms"
    )
    print(describe_memory("mémoire au démarrage", mem_start))
    print(describe_memory("mémoire après le premier tour", mem_first))
    print(describe_memory("mémoire au pic pendant les connexions (Argon2)", peak["logins"]))
    print(describe_memory("mémoire au pic du régime établi", peak["steady"]))
    print(describe_memory("mémoire à la fin", mem_end))
    print(
        f"charge de la machine (uptime, 1/5/15 min) : avant {load_before[0]:.2f} {load_before[1]:.2f} "
        f"{load_before[2]:.2f}, après {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} "
        f"({os.cpu_count()} cœurs)"
    )

    # --- Bars -------------------------------------------------------------------------------------------------
    all_failures = sum(e["num_failures"] for e in stats) + len(side.get("login_failures", []))
    if all_failures:
        failures.append(f"{all_failures} requêtes en échec")
    server_errors = re.findall(r"Traceback|level=ERROR|\[CRITICAL\]|WORKER TIMEOUT", server_log)
    if server_errors:
        failures.append(f"{len(server_errors)} erreurs dans le journal du serveur")
    if not forked_after:
        failures.append("des workers ont été forkés avant la fin du warm-up")
    if workers_at_end != workers_at_start:
        failures.append("des workers ont été remplacés pendant la charge")
    if locust.returncode not in (0, 1):  # 1 = some requests failed, counted above
        failures.append(f"locust a fini avec le code {locust.returncode}")
    errors = bool(failures)
    bars = [
        ("zéro erreur", not failures, "; ".join(failures) or "0 échec, 0 erreur serveur"),
        (
            f"p95 d'ensemble ≤ {P95_OVERALL_MS} ms",
            percentile(overall["histogram"], 0.95) <= P95_OVERALL_MS,
            f"{percentile(overall['histogram'], 0.95):.0f} ms",
        ),
        (f"p95 ≤ {P95_PAGE_MS} ms sur chaque page", not slow_pages, ", ".join(slow_pages) or "toutes"),
        ("workers forkés après le warm-up", forked_after, "journal de gunicorn"),
        (
            f"première requête ≤ {FIRST_REQUEST_S:.0f} s",
            max([very_first, *first_round.values()]) <= FIRST_REQUEST_S,
            f"{max([very_first, *first_round.values()]) * 1000:.0f} ms au plus",
        ),
        (
            f"mémoire de tous les processus ≤ {MEMORY_MB} Mo (PSS, régime établi)",
            peak["steady"]["total_pss_mb"] <= MEMORY_MB,
            f"{peak['steady']['total_pss_mb']:.0f} Mo au pic ; {peak['logins']['total_pss_mb']:.0f} Mo pendant "
            "les connexions",
        ),
    ]
    print()
    for label, ok, detail in bars:
        print(f"Seuil {label} : {'OK' if ok else 'ÉCHEC'} ({detail})")
    if errors:
        for line in server_log.splitlines():
            if re.search(r"Traceback|ERROR|CRITICAL|TIMEOUT|Error", line):
                print("  serveur :", line[:300])
        for error in side.get("errors", []):
            print(f"  échec {error['name']} : {error['error'][:200]} ×{error['occurrences']}")
        if locust.returncode not in (0, 1):
            print(locust.stderr[-2000:])
        return 1
    if not all(ok for _, ok, _ in bars) and not args.errors_only:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
