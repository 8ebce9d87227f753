"""`make bench`: the site under load, measured against the static-file limit.

Seeds a large data set (bench/seed_large.py) into its own database, starts gunicorn
as production on two cores would run it (2 workers; GUNICORN_THREADS from the
environment, default 1 = sync), and measures with wrk over real HTTP on 127.0.0.1:
the article, the clinic list, the list sorted from a postcode, a clinic page, a
booking page with its open times, and a hashed static file served by WhiteNoise
through the same gunicorn. Each page's rate is given as a ratio to the static file's
rate in the same run (the static file is measured first and last and averaged),
since the machines are noisy. Also: the booking page with 3,000 slots in the
database against the same page with all of them.

Figures go to stdout and to var/bench/results.json and var/bench/results.txt.

Environment: BENCH_DATABASE_URL (default PostgreSQL on 127.0.0.1, database
nemus_bench; sqlite:///... works too), BENCH_REDIS_URL (default redis db 2; empty
for the database cache), BENCH_SECONDS (10), BENCH_CONNECTIONS (32), BENCH_PORT.
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

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PORT = int(os.environ.get("BENCH_PORT", "8766"))
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nemus_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
GROWTH_CLINIC = "bench-050"

# name, path, goal as a share of the static file's rate
PAGES = [
    ("article", "/plager/korsryggsmerter/", 0.60),
    ("clinic list", "/klinikker/", 0.40),
    ("clinic list ?q=5014", "/klinikker/?q=5014", 0.40),
    ("clinic page", f"/klinikker/{GROWTH_CLINIC}/", 0.40),
    ("booking page", f"/timebestilling/{GROWTH_CLINIC}/", 0.25),
]
P99_GOAL_MS = 50.0


def env(**extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nemus_site.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_CACHE_PREFIX": f"nemus-bench-{os.getpid()}",
        "DJANGO_EMAIL_FILE_PATH": str(OUT / "mail"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PORT": str(PORT),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "1"),
        **extra,
    }


SECRET = secrets.token_urlsafe(50)


def run(*args: str) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=env(), capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def manage(*args: str) -> str:
    return run(PY, "manage.py", *args)


def fresh_database() -> None:
    if DATABASE_URL.startswith("postgres"):
        admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
        name = DATABASE_URL.rsplit("/", 1)[1]
        run("psql", admin_url, "-q", "-c", f"DROP DATABASE IF EXISTS {name}")
        run("psql", admin_url, "-q", "-c", f"CREATE DATABASE {name}")
    elif DATABASE_URL.startswith("sqlite:///"):
        Path(DATABASE_URL.removeprefix("sqlite:///")).unlink(missing_ok=True)
    if REDIS_URL:
        run("redis-cli", "-u", REDIS_URL, "FLUSHDB")


class Server:
    def __init__(self, **extra):
        self.extra = extra

    def __enter__(self):
        log = open(OUT / "gunicorn.log", "a")
        self.log = log
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "nemus_site.wsgi"],
            cwd=ROOT,
            env=env(**self.extra),
            stdout=log,
            stderr=log,
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


def fetch(path: str) -> str:
    with urllib.request.urlopen(BASE + path, timeout=30) as response:
        assert response.status == 200, (path, response.status)
        return response.read().decode()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(path: str) -> dict:
    for _ in range(20):  # warm up: connections, caches, the workers' imports
        fetch(path)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
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
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it as root)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "gunicorn.log").unlink(missing_ok=True)
    started = time.monotonic()
    print(f"database {DATABASE_URL.split('@')[-1]}, cache {REDIS_URL or 'database'}")
    fresh_database()
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("createcachetable")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    shared = ROOT.parent / "shared" / "data" / "geonames-NO-postcodes.txt"
    manage(
        "import_postcodes",
        str(shared)
        if shared.exists()
        else "https://download.geonames.org/export/zip/NO.zip",
    )
    # Clinics, practitioners, schedules; slots at first for one clinic only.
    run(PY, "-c", "import bench.seed_large as s; s.seed()")
    run(
        PY,
        "-c",
        (
            "import bench.seed_large, datetime as dt;"
            "from django.utils import timezone;"
            "from booking.services import slots_generate;"
            "from clinics.models import Practitioner;"
            f"slots_generate(start=timezone.localdate(), days=56, practitioners="
            f"Practitioner.objects.filter(clinic__slug='{GROWTH_CLINIC}'))"
        ),
    )
    results = {
        "machine": machine(),
        "seconds": SECONDS,
        "connections": CONNECTIONS,
        "workers": 2,
        "threads": int(env()["GUNICORN_THREADS"]),
    }
    # Growth: the booking page rendered every time (page cache off), with one
    # clinic's slots in the database, then with all of them.
    uncached = {"NEMUS_PAGE_CACHE_SECONDS": "0"}
    with Server(**uncached):
        small = slot_count()
        results["growth_small"] = {"slots": small, **wrk(PAGES[-1][1])}
    print(run(PY, "bench/seed_large.py"))
    with Server(**uncached):
        results["rendered"] = {name: wrk(path) for name, path, _goal in PAGES}
    # As production runs: the public page cache on.
    with Server():
        html = fetch(PAGES[0][1])
        static = re.search(r'href="(/static/css/nemus\.[0-9a-f]{12}\.css)"', html)
        static = static.group(1)
        first = wrk(static)
        pages = {name: wrk(path) for name, path, _goal in PAGES}
        last = wrk(static)
    static_rps = (first["rps"] + last["rps"]) / 2
    results["static"] = {
        "path": static,
        "first": first,
        "last": last,
        "rps": static_rps,
    }
    results["slots"] = slot_count()
    results["pages"] = {}
    lines = [
        f"NEMUS bench, {time.strftime('%Y-%m-%d %H:%M')}, {results['machine']}",
        f"gunicorn 2 workers x {results['threads']} thread(s); wrk 2 threads, "
        f"{CONNECTIONS} connections, {SECONDS} s each; {results['slots']} slots",
        f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}"
        f"{'goal':>7}  ok",
        f"{'static file':<22}{static_rps:>9.0f}{first['p50_ms']:>9.1f}"
        f"{first['p99_ms']:>9.1f}{1:>8.2f}{'':>7}  (first {first['rps']:.0f}, "
        f"last {last['rps']:.0f})",
    ]
    for name, path, goal in PAGES:
        figures = pages[name]
        ratio = figures["rps"] / static_rps
        ok = (
            ratio >= goal and figures["p99_ms"] < P99_GOAL_MS and not figures["non_2xx"]
        )
        results["pages"][name] = {
            "path": path,
            **figures,
            "ratio": ratio,
            "goal": goal,
            "ok": ok,
        }
        lines.append(
            f"{name:<22}{figures['rps']:>9.0f}{figures['p50_ms']:>9.1f}"
            f"{figures['p99_ms']:>9.1f}{ratio:>8.2f}{goal:>7.2f}  "
            f"{'yes' if ok else 'NO'}"
            + (f"  non-2xx {figures['non_2xx']}" if figures["non_2xx"] else "")
        )
    lines.append("rendered each time (page cache off):")
    for name, _path, _goal in PAGES:
        figures = results["rendered"][name]
        lines.append(
            f"  {name:<20}{figures['rps']:>9.0f}{figures['p50_ms']:>9.1f}"
            f"{figures['p99_ms']:>9.1f}{figures['rps'] / static_rps:>8.2f}"
        )
    small, big = results["growth_small"], results["rendered"]["booking page"]
    growth = small["rps"] / big["rps"]
    results["growth_time_ratio"] = growth
    lines.append(
        f"booking page, rendered, time with {results['slots']} slots / with "
        f"{small['slots']}: {growth:.2f} (goal at most 1.5; {small['rps']:.0f} vs "
        f"{big['rps']:.0f} req/s)"
    )
    lines.append(f"took {time.monotonic() - started:.0f} s")
    text = "\n".join(lines)
    print(text)
    (OUT / "results.txt").write_text(text + "\n")
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")


def slot_count() -> int:
    return int(
        run(
            PY,
            "-c",
            (
                "import bench.seed_large;"
                "from booking.models import Slot; print(Slot.objects.count())"
            ),
        )
    )


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
