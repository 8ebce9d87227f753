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


def test_one_slot_many_simultaneous_bookings_exactly_one_wins(
    gunicorn_server, database_env
):
    server = gunicorn_server(
        {**database_env, "GUNICORN_WORKERS": "4", "BOOKING_RATE_LIMIT": "1000"}
    )
    path = shell(server, SETUP)

    # Each patient opens the form first (their own CSRF cookie and token).
    patients = []
    for number in range(ATTEMPTS):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect
        )
        html = opener.open(server.base_url + path, timeout=20).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        patients.append((opener, token, f"9{number:07d}"[:8]))

    barrier = threading.Barrier(ATTEMPTS)
    results = [None] * ATTEMPTS

    def book(index, opener, token, phone):
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
            response = opener.open(server.base_url + path, data=body, timeout=30)
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

    statuses = sorted(status for status, _ in results)
    assert statuses.count(302) == 1, statuses
    kind_words = (
        "Noen andre bestilte den tiden like før deg.",
        "Den tiden kan ikke lenger bestilles på nettet.",
    )
    for status, body in results:
        if status != 302:
            assert status in (200, 409)
            assert any(words in body for words in kind_words)
    assert shell(server, COUNT) == "1 1"
    server.stop()
    log = server.log_text()
    assert " 500 " not in log
    # A full booking leaves no name, phone number or e-mail in the logs.
    assert "Pasient" not in log and "example.invalid" not in log
    assert not re.search(r"\+?47 ?4000000\d|4000000\d", log)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        fp.status = code
        return fp
