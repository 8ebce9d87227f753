"""`make bench`: the site under load, measured against the static-file limit, on the
embedded default (`make run`: SQLite and its cache table) and on PostgreSQL + Redis.

For each backend: seeds a large data set (bench/seed_large.py) into its own
database, starts gunicorn as production on two cores would run it (2 workers;
GUNICORN_THREADS from the environment, default 1 = sync), and measures with wrk over
real HTTP on 127.0.0.1, sending the Accept-Encoding a browser sends:

- each page rendered on every request (`NEMUS_PAGE_CACHE_SECONDS=0`; the fragment
  caches of what staff edit still work), and as production runs (page cache on);
- the article while a clinic is saved every second by another process;
- a hashed static file served by WhiteNoise through the same gunicorn, first and
  last: its mean rate is the baseline every page's rate is divided by, since the
  machines are noisy;
- the day view rendered with one clinic's 3,200 slots in the database, then with
  all 320,000 (time ratio), and each page's query count at both sizes;
- the article's first view: the HTML and the same-origin CSS and JS it loads, as
  sent (compressed), in bytes.

Figures go to stdout and to var/bench/results.json and var/bench/results.txt.

Environment: BENCH_BACKENDS (embedded,postgres), BENCH_POSTGRES_URL (PostgreSQL on
127.0.0.1, database nemus_bench), BENCH_REDIS_URL (redis db 2), BENCH_SECONDS (10),
BENCH_CONNECTIONS (32), BENCH_PORT.
"""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.clicks import booking_rush, report_clicks, run_clicks

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PORT = int(os.environ.get("BENCH_PORT", "8766"))
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
BACKENDS = {
    "embedded": {
        "label": "embedded default: SQLite + its cache table (make run)",
        "DATABASE_URL": f"sqlite:///{OUT / 'bench.sqlite3'}",
        "REDIS_URL": "",
    },
    "postgres": {
        "label": "PostgreSQL + Redis",
        "DATABASE_URL": os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/nemus_bench"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2"),
    },
}
GROWTH_CLINIC = "bench-050"
ACCEPT_ENCODING = "gzip, deflate, br"  # as Chromium sends it

# name, path, goal cached, goal rendered (as shares of the static file's rate)
PAGES = [
    ("article", "/plager/korsryggsmerter/", 0.60, 0.10),
    ("clinic list", "/klinikker/", 0.50, 0.10),
    ("booking day view", f"/timebestilling/{GROWTH_CLINIC}/", 0.40, 0.05),
    ("clinic page", f"/klinikker/{GROWTH_CLINIC}/", 0.40, None),
]
# Never kept whole (a query string): rendered each time in both runs.
SEARCH = ("clinic list ?q=5014", "/klinikker/?q=5014")
DAY_VIEW = PAGES[2][1]
ARTICLE = PAGES[0][1]
P99_GOAL_MS = 50.0
FIRST_VIEW_GOAL = 20_000
SAVES_GOAL = 0.9  # of the same page's cached ratio
GROWTH_GOAL = 1.5
SECRET = secrets.token_urlsafe(50)


class Bench:
    def __init__(self, name: str):
        self.name = name
        self.backend = BACKENDS[name]

    def env(self, **extra) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "nemus_site.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "DATABASE_URL": self.backend["DATABASE_URL"],
            "REDIS_URL": self.backend["REDIS_URL"],
            "DJANGO_CACHE_PREFIX": f"nemus-bench-{os.getpid()}",
            "DJANGO_EMAIL_FILE_PATH": str(OUT / "mail"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "PORT": str(PORT),
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "1"),
            **extra,
        }

    def run(self, *args: str) -> str:
        result = subprocess.run(
            args, cwd=ROOT, env=self.env(), capture_output=True, text=True, check=False
        )
        if result.returncode:
            sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout.strip()

    def python(self, code: str) -> str:
        return self.run(PY, "-c", "import bench.seed_large\n" + code)

    def manage(self, *args: str) -> str:
        return self.run(PY, "manage.py", *args)

    def fresh_database(self) -> None:
        url = self.backend["DATABASE_URL"]
        if url.startswith("postgres"):
            admin_url = url.rsplit("/", 1)[0] + "/postgres"
            name = url.rsplit("/", 1)[1]
            self.run("psql", admin_url, "-q", "-c", f"DROP DATABASE IF EXISTS {name}")
            self.run("psql", admin_url, "-q", "-c", f"CREATE DATABASE {name}")
        elif url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        if self.backend["REDIS_URL"]:
            self.run("redis-cli", "-u", self.backend["REDIS_URL"], "FLUSHDB")

    def analyze(self) -> None:
        """PostgreSQL's statistics after the bulk seed, as autovacuum would have
        them in production: without them the planner takes a clinic's 800 slots
        for one row and walks them one by one."""
        url = self.backend["DATABASE_URL"]
        if url.startswith("postgres"):
            self.run("psql", url, "-q", "-c", "VACUUM ANALYZE")

    def server(self, **extra) -> "Server":
        return Server(self.env(**extra))

    def slot_count(self) -> int:
        return int(
            self.python("from booking.models import Slot\nprint(Slot.objects.count())")
        )

    def query_counts(self) -> dict:
        """Queries of rendering each page once (page cache off), in-process."""
        paths = [path for _name, path, *_goals in PAGES] + [SEARCH[1]]
        code = f"""
import json
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
settings.PUBLIC_PAGE_CACHE_SECONDS = 0
client = Client()
counts = {{}}
for path in {paths!r}:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    counts[path] = len(queries)
print(json.dumps(counts))
"""
        return json.loads(self.python(code).splitlines()[-1])

    def measure(self) -> dict:
        results = {"backend": self.backend["label"]}
        print(f"== {self.name}: {self.backend['label']}", flush=True)
        self.fresh_database()
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("createcachetable")
        shared = ROOT.parent / "shared" / "data" / "geonames-NO-postcodes.txt"
        self.manage(
            "import_postcodes",
            str(shared)
            if shared.exists()
            else "https://download.geonames.org/export/zip/NO.zip",
        )
        # Clinics, practitioners, schedules; slots at first for one clinic only.
        self.python("import bench.seed_large as s; s.seed()")
        self.python(
            "from django.utils import timezone\n"
            "from booking.services import slots_generate\n"
            "from clinics.models import Practitioner\n"
            "slots_generate(start=timezone.localdate(), days=56, practitioners="
            f"Practitioner.objects.filter(clinic__slug='{GROWTH_CLINIC}'))"
        )
        # Growth: the day view rendered every time, with one clinic's slots in
        # the database, then with all of them.
        uncached = {"NEMUS_PAGE_CACHE_SECONDS": "0"}
        results["queries_small"] = self.query_counts()
        with self.server(**uncached):
            results["growth_small"] = {"slots": self.slot_count(), **wrk(DAY_VIEW)}
        print(self.run(PY, "bench/seed_large.py"), flush=True)
        self.analyze()
        results["slots"] = self.slot_count()
        results["queries_large"] = self.query_counts()
        with self.server(**uncached):
            results["rendered"] = {
                name: wrk(path) for name, path, *_goals in [*PAGES, SEARCH]
            }
            results["clicks"] = {"rendered": run_clicks(self, wrk, OUT, GROWTH_CLINIC)}
        # As production runs: the public page cache on.
        with self.server():
            static = static_path()
            first = wrk(static)
            results["cached"] = {name: wrk(path) for name, path, *_goals in PAGES}
            with SaveEverySecond(self):
                results["article_with_saves"] = wrk(ARTICLE)
            results["first_view"] = first_view(ARTICLE)
            results["clicks"]["cached"] = run_clicks(self, wrk, OUT, GROWTH_CLINIC)
            last = wrk(static)
        # Patients booking at once, each from an address of their own behind the
        # front (so the per-address limit holds as in production).
        with self.server(DJANGO_PROXY_COUNT="1"):
            results["rush"] = booking_rush(self, BASE)
        results["static"] = {
            "path": static,
            "first": first,
            "last": last,
            "rps": (first["rps"] + last["rps"]) / 2,
        }
        return results


class SaveEverySecond:
    """Another process saving a clinic once a second (each save moves the
    `edits` version: every page showing staff edits is out of date)."""

    CODE = """
import sys, time
from clinics.models import Clinic
clinic = Clinic.objects.get(slug="bench-001")
print("ready", flush=True)
saves, stop = 0, time.monotonic() + float(sys.argv[1])
while time.monotonic() < stop:
    clinic.save()
    saves += 1
    time.sleep(1)
print(saves)
"""

    def __init__(self, bench: Bench):
        self.bench = bench

    def __enter__(self):
        self.proc = subprocess.Popen(
            [PY, "-c", "import bench.seed_large\n" + self.CODE, str(SECONDS + 25)],
            cwd=ROOT,
            env=self.bench.env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        # Django's start-up (about a second of CPU) is over before wrk starts.
        assert self.proc.stdout.readline().strip() == "ready"
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Server:
    def __init__(self, env: dict):
        self.environment = env

    def __enter__(self):
        self.log = open(OUT / "gunicorn.log", "a")
        self.proc = subprocess.Popen(
            [
                GUNICORN,
                "-c",
                "gunicorn.conf.py",
                "--no-control-socket",
                "nemus_site.wsgi",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        sys.exit(f"gunicorn did not start; see {OUT / 'gunicorn.log'}")

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def fetch(path: str) -> tuple[bytes, dict]:
    request = urllib.request.Request(
        BASE + path, headers={"Accept-Encoding": ACCEPT_ENCODING}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, (path, response.status)
        return response.read(), dict(response.headers)


def static_path() -> str:
    html, _headers = fetch_plain(ARTICLE)
    found = re.search(r'href="(/static/css/nemus\.[0-9a-f]{12}\.css)"', html)
    return found.group(1)


def fetch_plain(path: str) -> tuple[str, dict]:
    with urllib.request.urlopen(BASE + path, timeout=30) as response:
        return response.read().decode(), dict(response.headers)


def first_view(path: str) -> dict:
    """The page and the same-origin stylesheets and scripts it loads, in bytes as
    sent to a browser (compressed as it accepts)."""
    body, headers = fetch(path)
    html, _headers = fetch_plain(path)
    sizes = {path: len(body)}
    encodings = {path: headers.get("Content-Encoding", "")}
    assets = re.findall(r'<link rel="stylesheet" href="(/[^"]+)"', html)
    assets += re.findall(r'<script src="(/[^"]+)"', html)
    for asset in assets:
        asset_body, asset_headers = fetch(asset)
        sizes[asset] = len(asset_body)
        encodings[asset] = asset_headers.get("Content-Encoding", "")
    return {"bytes": sum(sizes.values()), "parts": sizes, "encodings": encodings}


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(path: str, *, script=None, warm=None) -> dict:
    """wrk on `path`, or with `script` (bench/clicks.py: paths in turn, each of
    `warm` fetched first)."""
    for warm_path in warm or [path] * 10:
        for _ in range(2):  # warm up: connections, caches, the workers' imports
            fetch(warm_path)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            "-H",
            f"Accept-Encoding: {ACCEPT_ENCODING}",
            *(["-s", str(script)] if script else []),
            BASE + path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(
            rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M
        ).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    figures = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }
    print(f"  {path}: {figures['rps']:.0f} req/s", flush=True)
    return figures


def mark(ok: bool, binding: bool = True) -> str:
    word = "yes" if ok else "NO"
    return word if binding else f"({word.lower()})"


def report(name: str, results: dict) -> list[str]:
    """The figures of one backend. The goals are the embedded default's (issue
    21); on PostgreSQL + Redis they are shown for comparison, in brackets, and
    the measure there is the run of the commit before (docs/performance.md)."""
    static = results["static"]
    base = static["rps"]
    binding = name == "embedded"
    lines = [
        f"-- {results['backend']}: {results['slots']} slots"
        + ("" if binding else " (goals of the embedded default, for comparison)"),
        f"{'page':<26}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>7}"
        f"{'goal':>6}  ok",
        f"{'static file':<26}{base:>8.0f}{static['first']['p50_ms']:>8.1f}"
        f"{static['first']['p99_ms']:>8.1f}{1:>7.3f}{'':>6}  (first "
        f"{static['first']['rps']:.0f}, last {static['last']['rps']:.0f})",
        "cached (as production runs):",
    ]
    checks = {}
    results["checks" if binding else "comparisons"] = checks

    def row(label, figures, goal, p99=True):
        ratio = figures["rps"] / base
        ok = None
        if goal is not None:
            ok = ratio >= goal and not figures["non_2xx"]
            if p99:
                ok = ok and figures["p99_ms"] < P99_GOAL_MS
        lines.append(
            f"  {label:<24}{figures['rps']:>8.0f}{figures['p50_ms']:>8.1f}"
            f"{figures['p99_ms']:>8.1f}{ratio:>7.3f}"
            + (f"{goal:>6.2f}  {mark(ok, binding)}" if goal is not None else "")
            + (f"  non-2xx {figures['non_2xx']}" if figures["non_2xx"] else "")
        )
        return ratio, ok

    cached_ratio = {}
    for label, _path, goal, _rendered_goal in PAGES:
        cached_ratio[label], checks[f"cached {label}"] = row(
            label, results["cached"][label], goal
        )
    saves = results["article_with_saves"]
    saves_goal = SAVES_GOAL * cached_ratio["article"]
    ratio, checks["article while saving"] = row(
        "article, a save a second", saves, saves_goal
    )
    lines.append(
        f"  (goal: {SAVES_GOAL} of the article's cached ratio; "
        f"{ratio / cached_ratio['article']:.2f} of it)"
    )
    lines.append("rendered every time (page cache off):")
    for label, _path, _goal, goal in [*PAGES, (*SEARCH, None, None)]:
        result = row(label, results["rendered"][label], goal, p99=False)
        if goal is not None:
            checks[f"rendered {label}"] = result[1]
    small, big = results["growth_small"], results["rendered"]["booking day view"]
    growth = small["rps"] / big["rps"]
    results["growth_time_ratio"] = growth
    checks["growth"] = growth <= GROWTH_GOAL
    lines.append(
        f"growth: day view time with {results['slots']} slots / with "
        f"{small['slots']}: {growth:.2f} (goal at most {GROWTH_GOAL}; "
        f"{small['rps']:.0f} vs {big['rps']:.0f} req/s)  "
        + mark(checks["growth"], binding)
    )
    same = results["queries_small"] == results["queries_large"]
    checks["queries constant"] = same
    lines.append(
        "queries per page, small / large data set: "
        + ", ".join(
            f"{path} {results['queries_small'][path]}/{count}"
            for path, count in results["queries_large"].items()
        )
        + f"  {mark(same, binding)}"
    )
    report_clicks(results, base, row, checks, lines)
    view = results["first_view"]
    checks["first view"] = view["bytes"] <= FIRST_VIEW_GOAL
    lines.append(
        f"article first view: {view['bytes']:,} bytes (goal at most "
        f"{FIRST_VIEW_GOAL:,})  {mark(checks['first view'], binding)}"
    )
    for part, size in view["parts"].items():
        lines.append(f"  {part}: {size:,} ({view['encodings'][part] or 'identity'})")
    return lines


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it as root)")
    names = os.environ.get("BENCH_BACKENDS", "embedded,postgres").split(",")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "gunicorn.log").unlink(missing_ok=True)
    started = time.monotonic()
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DJANGO_SECRET_KEY": SECRET},
    )
    results = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "seconds": SECONDS,
        "connections": CONNECTIONS,
        "workers": 2,
        "threads": int(os.environ.get("GUNICORN_THREADS", "1")),
    }
    lines = [
        f"NEMUS bench, {results['date']}, {results['machine']}",
        f"gunicorn 2 workers x {results['threads']} thread(s); wrk 2 threads, "
        f"{CONNECTIONS} connections, {SECONDS} s each; Accept-Encoding: "
        f"{ACCEPT_ENCODING}",
    ]
    for name in names:
        results[name] = Bench(name).measure()
        lines += report(name, results[name])
    lines.append(f"took {time.monotonic() - started:.0f} s")
    text = "\n".join(lines)
    print(text)
    (OUT / "results.txt").write_text(text + "\n")
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, "
        f"Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
