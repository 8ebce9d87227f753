import datetime as dt
import shutil
import subprocess
import sys
import types
import uuid

import pytest
from django.utils import timezone

from clinics.hours import OSLO
from tests.conftest import MIGRATED, ROOT, _process_env
from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="NEMUS Testby", slug="nemus-testby", phone="22 00 00 99")


@pytest.fixture
def practitioner(clinic):
    return PractitionerFactory(clinic=clinic, name="Kari Rygg")


@pytest.fixture
def follow_up(db):
    return AppointmentTypeFactory()


@pytest.fixture
def first_consultation(db):
    """The first consultation the migrations make (45 min, for new patients too)."""
    from booking.models import AppointmentType

    return AppointmentType.objects.get(slug="forstegangskonsultasjon")


def begun_today(minutes: int) -> dt.datetime:
    """A start `minutes` ago, or midnight when that would be yesterday (a test run
    just after midnight): begun, and in today's appointment book."""
    midnight = dt.datetime.combine(
        timezone.localdate(timezone.now(), OSLO), dt.time(0, 0), tzinfo=OSLO
    )
    return max(timezone.now() - dt.timedelta(minutes=minutes), midnight)


def oslo(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """`days` from today at `hour`:`minute` on the Oslo clock."""
    day = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


def day(days: int) -> dt.date:
    """The Oslo date `days` from today."""
    return timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=days)


@pytest.fixture
def slot(practitioner):
    start = (timezone.now() + dt.timedelta(days=3)).replace(
        minute=0, second=0, microsecond=0
    )
    return SlotFactory(practitioner=practitioner, starts_at=start)


@pytest.fixture
def reception(client, clinic):
    """A receptionist of NEMUS Testby (the Resepsjon group, on its staff), logged
    in."""
    from django.contrib.auth.models import Group, User

    from booking.models import ClinicStaff

    user = User.objects.create_user("resepsjon", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Resepsjon"))
    ClinicStaff.objects.create(user=user, clinic=clinic)
    client.force_login(user)
    return user


PATIENT = {
    "name": "Test Testesen",
    "phone": "912 34 567",
    "email": "test@example.invalid",
    "is_new_patient": False,
    "privacy_notice_read": True,
}


# --- Separate processes on a database of their own (race tests) -------------------


def shell(server, code):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
    )
    # The script's error, not the script, when it fails.
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def postgres_url():
    try:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres",
            connect_timeout=2,
            autocommit=True,
        ):
            return "postgres://postgres@127.0.0.1:5432"
    except Exception:  # no server here: that variant is skipped
        return None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_env(request, tmp_path):
    """A migrated database of the test's own, on SQLite and on PostgreSQL: a copy of
    the run's migrated one (tests/conftest.py), as DATABASE_URL."""
    if request.param == "sqlite":
        database = tmp_path / "race.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), database)
        yield {"DATABASE_URL": f"sqlite:///{database}", MIGRATED: "1"}
        return
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import psycopg

    template = request.getfixturevalue("migrated_postgres")
    name = f"nemus_race_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield {"DATABASE_URL": f"{base}/{name}", MIGRATED: "1"}
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def migrated_processes(database_env):
    """What separate processes on `database_env`'s (migrated) database need: its
    environment (production settings, no Redis, e-mail and SMS kept in memory).
    As an object with `env`, like the gunicorn_server fixture, for `shell`."""
    env = _process_env(
        **{
            "DJANGO_SECRET_KEY": "race-test-secret-key-not-for-production",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SMS_BACKEND": "booking.outside.sms.MemoryBackend",
            **database_env,
        }
    )
    return types.SimpleNamespace(env=env)


def spawn(server, script: str, *args: str) -> subprocess.Popen:
    """`script` in a Python process of its own with Django set up, on `server`'s
    database, with `args` as sys.argv[1:]: one contender of a race."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django, sys; django.setup(); "
            f"sys.argv = ['x', *{list(args)!r}]; exec({script!r})",
        ],
        cwd=ROOT,
        env=server.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
