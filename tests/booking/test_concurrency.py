"""Many patients press "book" on one time at once, against real gunicorn workers
(separate processes) on a file SQLite database and on PostgreSQL."""

import http.cookiejar
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.conftest import ROOT

SETUP = """
import datetime as dt
from django.utils import timezone
from clinics.models import Clinic, Practitioner
from booking.models import Slot
clinic = Clinic.objects.create(name="NEMUS Kappløp", slug="nemus-kapplop",
    street_address="Testgata 1", postcode="0150", town="Oslo",
    latitude=59.91, longitude=10.75, phone="00 00 00 00")
person = Practitioner.objects.create(clinic=clinic, name="Kari Rygg",
    profession="kiropraktor")
start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0,
    microsecond=0)
slot = Slot.objects.create(clinic=clinic, practitioner=person, starts_at=start,
    ends_at=start + dt.timedelta(minutes=30))
print(f"/timebestilling/nemus-kapplop/{slot.pk}/")
"""

COUNT = """
from booking.models import Booking
print(Booking.objects.filter(status="confirmed").count(), Booking.objects.count())
"""

ATTEMPTS = 12


def shell(server, code):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=server.env,
        check=True,
        capture_output=True,
        text=True,
    )
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
    if request.param == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}"}
        return
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import psycopg

    name = f"nemus_race_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield {"DATABASE_URL": f"{base}/{name}"}
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def race(servers, path):
    """ATTEMPTS patients, spread over the servers, each open the form (their own
    CSRF cookie and token) and then post it at the same moment."""
    patients = []
    for number in range(ATTEMPTS):
        base_url = servers[number % len(servers)].base_url
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect
        )
        html = opener.open(base_url + path, timeout=20).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        patients.append((opener, token, base_url))

    barrier = threading.Barrier(ATTEMPTS)
    results = [None] * ATTEMPTS

    def book(index, opener, token, base_url):
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "appointment_type": "oppfolging",
                "name": f"Pasient {index}",
                "phone": f"4{index:07d}",
                "email": f"p{index}@example.invalid",
                "is_new_patient": "ny",
                "privacy": "on",
            }
        ).encode()
        barrier.wait()
        try:
            response = opener.open(base_url + path, data=body, timeout=30)
            results[index] = (response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            results[index] = (error.code, error.read().decode())

    threads = [
        threading.Thread(target=book, args=(i, *patient))
        for i, patient in enumerate(patients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def assert_exactly_one_won(results):
    statuses = sorted(status for status, _ in results)
    assert statuses.count(302) == 1, statuses
    kind_words = (
        "Noen andre bestilte den tiden like før deg.",
        "Den tiden kan ikke lenger bestilles på nettet.",
    )
    for status, body in results:
        if status != 302:
            assert status == 409
            assert any(words in body for words in kind_words)


def test_one_slot_many_simultaneous_bookings_exactly_one_wins(
    gunicorn_server, database_env
):
    server = gunicorn_server(
        {**database_env, "GUNICORN_WORKERS": "4", "BOOKING_RATE_LIMIT": "1000"}
    )
    path = shell(server, SETUP)
    assert_exactly_one_won(race([server], path))
    assert shell(server, COUNT) == "1 1"
    server.stop()
    log = server.log_text()
    assert '"status": 5' not in log
    # A full booking leaves no name, phone number or e-mail in the logs.
    assert "Pasient" not in log and "example.invalid" not in log
    assert not re.search(r"\+?47 ?4000000\d|4000000\d", log)


def test_two_servers_on_one_postgresql_book_as_one(gunicorn_server):
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import psycopg

    name = f"nemus_two_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        env = {
            "DATABASE_URL": f"{base}/{name}",
            "GUNICORN_WORKERS": "2",
            "BOOKING_RATE_LIMIT": "1000",
        }
        first, second = gunicorn_server(env), gunicorn_server(env)
        path = shell(first, SETUP)
        clinic_page = path.rsplit("/", 2)[0] + "/"
        before = [
            urllib.request.urlopen(s.base_url + clinic_page, timeout=20).read().decode()
            for s in (first, second)
        ]
        assert all(f'href="{path}"' in page for page in before)
        assert_exactly_one_won(race([first, second], path))
        # Both servers now show the same: the time is gone from the list.
        after = [
            urllib.request.urlopen(s.base_url + clinic_page, timeout=20).read().decode()
            for s in (first, second)
        ]
        assert all(f'href="{path}"' not in page for page in after)
        assert shell(second, COUNT) == "1 1"
    finally:
        # Stop both before the database goes (the fixture would stop them later).
        for server in gunicorn_server.started:
            server.stop()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        fp.status = code
        return fp


SETUP_MANY = """
import datetime as dt
from django.utils import timezone
from clinics.models import Clinic, Practitioner
from booking.models import Slot
clinic = Clinic.objects.create(name="NEMUS Kappløp", slug="nemus-kapplop",
    street_address="Testgata 1", postcode="0150", town="Oslo",
    latitude=59.91, longitude=10.75, phone="00 00 00 00")
person = Practitioner.objects.create(clinic=clinic, name="Kari Rygg",
    profession="kiropraktor")
start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0,
    microsecond=0)
paths = []
for n in range(16):
    slot = Slot.objects.create(clinic=clinic, practitioner=person,
        starts_at=start + dt.timedelta(minutes=30 * n),
        ends_at=start + dt.timedelta(minutes=30 * n + 30))
    paths.append(f"/timebestilling/nemus-kapplop/{slot.pk}/")
print(",".join(paths))
"""


def test_one_number_many_simultaneous_bookings_stops_at_the_cap(
    gunicorn_server, database_env
):
    server = gunicorn_server(
        {
            **database_env,
            "GUNICORN_WORKERS": "4",
            "BOOKING_RATE_LIMIT": "1000",
            "BOOKING_MAX_FUTURE_PER_PHONE": "3",
        }
    )
    paths = shell(server, SETUP_MANY).split(",")
    patients = []
    for path in paths:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect
        )
        html = opener.open(server.base_url + path, timeout=20).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        patients.append((opener, token, path))
    barrier = threading.Barrier(len(patients))
    statuses = [None] * len(patients)

    def book(index, opener, token, path):
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "appointment_type": "oppfolging",
                "name": "Samme Nummer",
                "phone": "41234567",
                "email": "samme@example.invalid",
                "is_new_patient": "ny",
                "privacy": "on",
            }
        ).encode()
        barrier.wait()
        try:
            statuses[index] = opener.open(
                server.base_url + path, data=body, timeout=60
            ).status
        except urllib.error.HTTPError as error:
            statuses[index] = error.code

    threads = [
        threading.Thread(target=book, args=(i, *patient))
        for i, patient in enumerate(patients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses).count(302) == 3, statuses
    assert shell(server, COUNT) == "3 3"
