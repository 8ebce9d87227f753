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


class GunicornServer:
    """gunicorn started as `make run` starts it, on its own SQLite file and port."""

    def __init__(self, tmp_path: Path, extra_env: dict[str, str]):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "nemus_site.settings",
            "DJANGO_SECRET_KEY": "gunicorn-test-secret-key-not-for-production",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
            "DJANGO_EMAIL_FILE_PATH": str(tmp_path / "mail"),
            "SMS_FILE_PATH": str(tmp_path / "sms"),
            "PORT": str(self.port),
            **extra_env,
        }
        # Tests never talk to a developer's Redis or PostgreSQL from here, and the
        # browser tests' async switch is not for a server.
        self.env.pop("REDIS_URL", None)
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("createcachetable")
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
def gunicorn_server(tmp_path):
    """Start gunicorn with extra environment: `server = gunicorn_server({...})`."""
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("gunicorn is not installed in this environment")
    servers: list[GunicornServer] = []

    def start(extra_env: dict[str, str] | None = None) -> GunicornServer:
        server = GunicornServer(tmp_path, extra_env or {})
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

    from booking.sms import MemoryBackend

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
    from nemus_site import fragments, page_cache

    nemus_cache._skip_until = 0.0
    page_cache.local_pages.clear()
    fragments.store.clear()
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
