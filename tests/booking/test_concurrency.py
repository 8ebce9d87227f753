"""Many patients press "book" on one time at once, against real gunicorn workers
(separate processes) on a file SQLite database and on PostgreSQL."""

import http.client
import http.cookiejar
import re
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.booking.conftest import migrated_processes, postgres_url, shell, spawn

# Real gunicorn workers and manage.py processes, each on a database of its own.
pytestmark = pytest.mark.server

# A clinic and a practitioner, made in the server's own database (manage.py shell)
# with the same factories as every other test.
CLINIC = """
import datetime as dt
from django.utils import timezone
from tests.factories import ClinicFactory, PractitionerFactory, SlotFactory
clinic = ClinicFactory(name="NEMUS Kappløp", slug="nemus-kapplop")
person = PractitionerFactory(clinic=clinic, name="Kari Rygg")
start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0,
    microsecond=0)
"""

SETUP = (
    CLINIC
    + """
slot = SlotFactory(practitioner=person, starts_at=start)
print(f"/timebestilling/nemus-kapplop/{slot.pk}/")
"""
)

COUNT = """
from booking.models import Booking
print(Booking.objects.filter(status="confirmed").count(), Booking.objects.count())
"""

ATTEMPTS = 12


def open_form(base_url, path):
    """A patient's browser on a booking form: an opener keeping its cookies (and not
    following redirects), and the form's CSRF token."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
    )
    html = opener.open(base_url + path, timeout=20).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return opener, token


def booking_body(token, *, name, phone, email) -> bytes:
    return urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "appointment_type": "oppfolging",
            "name": name,
            "phone": phone,
            "email": email,
            "is_new_patient": "tidligere",
            "privacy": "on",
        }
    ).encode()


def race(servers, path, during=None):
    """ATTEMPTS patients, spread over the servers, each open the form (their own
    CSRF cookie and token) and then post it at the same moment; `during`, if given,
    runs at that moment too (a fault to inject)."""
    patients = []
    for number in range(ATTEMPTS):
        base_url = servers[number % len(servers)].base_url
        patients.append((*open_form(base_url, path), base_url))

    barrier = threading.Barrier(ATTEMPTS + (1 if during else 0))
    results = [None] * ATTEMPTS

    def book(index, opener, token, base_url):
        body = booking_body(
            token,
            name=f"Pasient {index}",
            phone=f"4{index:07d}",
            email=f"p{index}@example.invalid",
        )
        barrier.wait()
        try:
            response = opener.open(base_url + path, data=body, timeout=30)
            results[index] = (response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            results[index] = (error.code, error.read().decode())
        except (OSError, http.client.HTTPException):
            # The connection died under the request (URLError, reset, timeout).
            results[index] = (0, "")

    threads = [
        threading.Thread(target=book, args=(i, *patient))
        for i, patient in enumerate(patients)
    ]
    if during:

        def fault():
            barrier.wait()
            during()

        threads.append(threading.Thread(target=fault))
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


SETUP_MANY = (
    CLINIC
    + """
paths = []
for n in range(16):
    slot = SlotFactory(practitioner=person,
        starts_at=start + dt.timedelta(minutes=30 * n))
    paths.append(f"/timebestilling/nemus-kapplop/{slot.pk}/")
print(",".join(paths))
"""
)


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
        patients.append((*open_form(server.base_url, path), path))
    barrier = threading.Barrier(len(patients))
    statuses = [None] * len(patients)

    def book(index, opener, token, path):
        body = booking_body(
            token,
            name="Samme Nummer",
            phone="41234567",
            email="samme@example.invalid",
        )
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


SETUP_PRACTITIONER = (
    CLINIC
    + """
print(person.pk)
"""
)

# Each process adds one of two overlapping schedules (as two receptionists might,
# before the form rule existed) and makes the slots, both at the same moment.
SCHEDULE_AND_GENERATE = """
import datetime as dt, sys, time
from django.utils import timezone
from booking.models import WeeklySchedule
from booking.services import slots_generate
person, starts, minutes, at = sys.argv[1:5]
WeeklySchedule.objects.bulk_create([WeeklySchedule(practitioner_id=int(person),
    weekday=weekday, starts=dt.time(*map(int, starts.split(":"))),
    ends=dt.time(12, 0), slot_minutes=int(minutes)) for weekday in range(7)])
time.sleep(max(0, float(at) - time.time()))
print(slots_generate(start=timezone.localdate() + dt.timedelta(days=1), days=14))
"""

OVERLAPS = """
from io import StringIO
from django.core.management import call_command
out = StringIO()
call_command("list_overlaps", stdout=out)
print(next(line for line in out.getvalue().splitlines() if "slot pair" in line))
"""


def test_two_overlapping_schedules_made_at_once_never_overlap(tmp_path, database_env):
    import time

    server = migrated_processes(database_env)
    person = shell(server, SETUP_PRACTITIONER)
    at = str(time.time() + 3)
    runs = [
        spawn(server, SCHEDULE_AND_GENERATE, person, starts, minutes, at)
        for starts, minutes in (("8:00", "30"), ("8:10", "45"))
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert sum(int(out.strip().splitlines()[-1]) for out, _err in outputs) > 0
    assert shell(server, OVERLAPS) == "0 overlapping slot pair(s)"


def test_a_worker_killed_mid_race_loses_nothing_and_books_nothing_twice(
    gunicorn_server, database_env
):
    import os
    import signal
    import time

    server = gunicorn_server(
        {**database_env, "GUNICORN_WORKERS": "4", "BOOKING_RATE_LIMIT": "1000"}
    )
    path = shell(server, SETUP)
    workers = subprocess.run(
        ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True
    ).stdout.split()
    assert len(workers) == 4

    def kill_a_worker():
        time.sleep(0.02)  # the posts are on their way
        os.kill(int(workers[0]), signal.SIGKILL)

    results = race([server], path, during=kill_a_worker)
    statuses = [status for status, _body in results]
    booked = statuses.count(302)
    # Nothing booked twice; everyone told "booked" has the booking; everyone else
    # was told kindly (409) or saw the connection drop with the killed worker.
    assert booked <= 1, statuses
    assert set(statuses) <= {0, 302, 409}, statuses
    confirmed, total = map(int, shell(server, COUNT).split())
    assert confirmed == total <= 1
    assert confirmed >= booked
    # The master replaces the worker; the site answers on.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.base_url + "/healthz", timeout=2) as r:
                assert r.status == 200
                break
        except OSError:  # refused, reset or timed out while the worker restarts
            time.sleep(0.2)
    else:
        pytest.fail("the site did not answer after a worker was killed")
