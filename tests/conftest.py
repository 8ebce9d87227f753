import contextlib
import fcntl
import hashlib
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Models whose rows data migrations put in as production content (the staff roles,
# the appointment types, the article, its warning signs and sources, the staff
# pages, redirects), in saving order.
CONTENT_MODELS = [
    "auth.Group",
    "booking.AppointmentType",
    "nemus_site.Page",
    "nemus_site.Redirect",
    "conditions.Source",
    "conditions.Condition",
    "conditions.ConditionPart",
    "conditions.ConditionItem",
    "conditions.WarningSign",
]


@pytest.fixture(scope="session", autouse=True)
def migrated_content_snapshot(django_db_setup, django_db_blocker) -> str:
    """The content rows as the migrations left them, taken once at the start of the
    session (before any transactional test flushes them).

    A database kept from an earlier run (`--reuse-db`, local runs) may have had
    them flushed by that run's transactional tests: the snapshot written beside it
    when it was made puts them back."""
    from django.apps import apps
    from django.core import serializers
    from django.db import connection

    name = Path(str(connection.settings_dict["NAME"])).name
    kept = ROOT / "var" / f"test-content-{connection.vendor}-{name}.json"
    with django_db_blocker.unblock():
        rows = [
            row
            for label in CONTENT_MODELS
            for row in apps.get_model(label).objects.order_by("pk")
        ]
        if not rows and kept.exists():
            snapshot = kept.read_text(encoding="utf-8")
            restore_migrated_content(snapshot)
            return snapshot
        # Permissions by name: a flush makes them again, with other ids.
        snapshot = serializers.serialize("json", rows, use_natural_foreign_keys=True)
        kept.parent.mkdir(exist_ok=True)
        kept.write_text(snapshot, encoding="utf-8")
        return snapshot


def restore_migrated_content(snapshot: str) -> None:
    """Put the migrated content back after a flush has emptied the tables."""
    from django.core import serializers

    for row in serializers.deserialize("json", snapshot):
        row.save()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_folder(tmp_path_factory) -> Path:
    """A folder of this run's, shared by its xdist workers."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _run_lock(folder: Path, name: str):
    """One worker at a time makes what `name` stands for (the others then find it)."""
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _process_env(**extra: str) -> dict[str, str]:
    """A separate process's environment: production settings, no Redis, no
    browser tests' async switch."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nemus_site.settings",
        "DJANGO_SECRET_KEY": "test-process-secret-key-not-for-production",
        **extra,
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def _migrate(database_url: str) -> None:
    env = _process_env(DATABASE_URL=database_url)
    _manage(env, "migrate", "--noinput")
    _manage(env, "createcachetable")


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """The static files collected once a run for every server the tests start
    (collectstatic compresses each file twice: about 9 s each time)."""
    folder = _run_folder(tmp_path_factory)
    static = folder / "static"
    with _run_lock(folder, "static"):
        if not (static / "staticfiles.json").exists():
            making = folder / "static-making"
            shutil.rmtree(making, ignore_errors=True)
            _manage(
                _process_env(
                    DJANGO_STATIC_ROOT=str(making),
                    DATABASE_URL=f"sqlite:///{folder / 'static.sqlite3'}",
                ),
                "collectstatic",
                "--noinput",
            )
            making.rename(static)
    return static


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite database migrated once a run (with the cache table): servers and
    race tests start on a copy of it."""
    folder = _run_folder(tmp_path_factory)
    database = folder / "migrated.sqlite3"
    with _run_lock(folder, "migrated-sqlite"):
        if not database.exists():
            making = folder / "migrated-making.sqlite3"
            making.unlink(missing_ok=True)
            _migrate(f"sqlite:///{making}")
            making.rename(database)
    return database


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@pytest.fixture(scope="session")
def migrated_postgres(tmp_path_factory) -> str | None:
    """The name of a PostgreSQL database migrated as the code's migrations are
    (named after them, kept between runs): race tests' databases are copies of it
    (CREATE DATABASE ... TEMPLATE). None without PostgreSQL on 127.0.0.1."""
    from tests.booking.conftest import postgres_url

    base = postgres_url()
    if base is None:
        return None
    import psycopg

    name = f"nemus_test_migrated_{_migrations_digest()}"
    with (
        _run_lock(_run_folder(tmp_path_factory), "migrated-postgres"),
        psycopg.connect(f"{base}/postgres", autocommit=True) as conn,
    ):
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if found is None:
            making = f"{name}_making"
            conn.execute(f"DROP DATABASE IF EXISTS {making} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {making}")
            _migrate(f"{base}/{making}")
            conn.execute(f"ALTER DATABASE {making} RENAME TO {name}")
    return name


# Set in a server's environment when its database is a migrated copy already.
MIGRATED = "NEMUS_TEST_DATABASE_MIGRATED"


class GunicornServer:
    """gunicorn started as `make run` starts it, on its own SQLite file and port.

    With `static` (collected_static) and `migrated` (migrated_sqlite) it starts on
    a copy of them instead of collecting and migrating for itself."""

    def __init__(
        self,
        tmp_path: Path,
        extra_env: dict[str, str],
        *,
        static: Path | None = None,
        migrated: Path | None = None,
    ):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"gunicorn-{self.port}.log"
        self.database = tmp_path / "db.sqlite3"
        self.static, self.migrated = static, migrated
        self.env = _process_env(
            **{
                "DJANGO_SECRET_KEY": "gunicorn-test-secret-key-not-for-production",
                "DATABASE_URL": f"sqlite:///{self.database}",
                "DJANGO_STATIC_ROOT": str(static or tmp_path / "static"),
                "DJANGO_EMAIL_FILE_PATH": str(tmp_path / "mail"),
                "SMS_FILE_PATH": str(tmp_path / "sms"),
                "PORT": str(self.port),
                **extra_env,
            }
        )
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str) -> None:
        _manage(self.env, *args)

    def start(self) -> None:
        own_database = self.env["DATABASE_URL"] == f"sqlite:///{self.database}"
        if own_database and self.migrated and not self.database.exists():
            shutil.copyfile(self.migrated, self.database)
        elif self.env.get(MIGRATED) != "1" and not (own_database and self.migrated):
            self.manage("migrate", "--noinput")
            self.manage("createcachetable")
        if self.static is None:
            self.manage("collectstatic", "--noinput")
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "nemus_site.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base_url + "/healthz", timeout=2)
                return
            except OSError:  # refused, reset, or slow to answer while starting
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start:\n" + self.log_text())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        if getattr(self, "log", None):
            self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def gunicorn_server(tmp_path, collected_static, migrated_sqlite):
    """Start gunicorn with extra environment: `server = gunicorn_server({...})`."""
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("gunicorn is not installed in this environment")
    servers: list[GunicornServer] = []

    def start(extra_env: dict[str, str] | None = None) -> GunicornServer:
        server = GunicornServer(
            tmp_path, extra_env or {}, static=collected_static, migrated=migrated_sqlite
        )
        servers.append(server)
        server.start()
        return server

    start.started = servers
    yield start
    for server in servers:
        server.stop()


# A few dozen rows of GeoNames' file (CC BY 4.0; tests/data/README.md).
POSTCODES = Path(__file__).resolve().parent / "data" / "geonames-NO-sample.txt"
POSTCODE_ROWS = 21


@pytest.fixture
def postcodes(db):
    from django.core.management import call_command

    call_command("import_postcodes", str(POSTCODES), stdout=StringIO())


@pytest.fixture
def demo_clinics(db):
    """The demo's nine clinics (clinics.demo), the same every run."""
    from clinics.demo import seed_clinics

    return seed_clinics(rng=random.Random(1))


@pytest.fixture(autouse=True)
def _norwegian_first():
    """Each test starts with no SMS sent, and in the site's language as a request
    without /en/ would: a request to an English page leaves English active in the
    thread (LocaleMiddleware activates, nothing deactivates), and a booking made next
    would be English."""
    from django.conf import settings
    from django.utils import translation

    from booking.outside.sms import MemoryBackend

    translation.activate(settings.LANGUAGE_CODE)
    MemoryBackend.outbox.clear()
    yield
    translation.deactivate()


@pytest.fixture
def no_page_cache(settings):
    """Render every page, and every part of it: for tests that count the queries of
    rendering a page (the public page cache and the fragments of staff-edited
    content, which have their own tests, would answer the second request)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.NEMUS_FRAGMENT_CACHE = False


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Each test starts with an empty cache: cached pages from one test must not
    reach the next (Redis keeps them across transactions); and with the cache in use,
    whatever an earlier test's fault did to this process's view of it."""
    from nemus_site import cache as nemus_cache
    from nemus_site import fragments, page_cache, query_pages

    nemus_cache._skip_until = 0.0
    page_cache.local_pages.clear()
    query_pages.query_pages.clear()
    fragments.store.clear()
    fragments.clinic_store.clear()
    fragments.search_store.clear()
    if (
        "django_db_setup" not in request.fixturenames
        and not request.node.get_closest_marker("django_db")
    ):
        yield
        return
    from django.core.cache import cache

    request.getfixturevalue("django_db_blocker").unblock()
    try:
        cache.clear()
    finally:
        request.getfixturevalue("django_db_blocker").restore()
    yield


def pytest_collection_modifyitems(items):
    """Tests that start gunicorn are `server` tests (`make test-fast` leaves them
    out with the browser and nginx tests)."""
    for item in items:
        if "gunicorn_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.server)
