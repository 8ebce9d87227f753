"""Reception books a phone patient into a time from the appointment book while a
patient books it online, each in a process of its own, on a file SQLite database
and on PostgreSQL (issue 19): exactly one gets it."""

import time

import pytest

from tests.booking.conftest import migrated_processes, shell, spawn

pytestmark = pytest.mark.server

ROUNDS = 2

SETUP = f"""
import datetime as dt
from django.utils import timezone
from tests.factories import AppointmentTypeFactory, ClinicFactory, PractitionerFactory
from tests.factories import SlotFactory
AppointmentTypeFactory()
kari = PractitionerFactory(clinic=ClinicFactory(name="NEMUS Luke", slug="nemus-luke"))
day = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0,
    microsecond=0)
print(",".join(str(SlotFactory(practitioner=kari,
    starts_at=day + dt.timedelta(hours=n)).pk) for n in range({ROUNDS})))
"""

# One contender: waits for the shared moment, then books as its channel does (the
# book's view calls booking_create with the phone channel, a landline allowed).
CONTEND = """
import sys, time
from booking.models import AppointmentType
from booking.services import BookingError, booking_create
channel, slot_id, at = sys.argv[1:4]
kind = AppointmentType.objects.get(slug="oppfolging")
phone = "22334455" if channel == "phone" else "41239999"
time.sleep(max(0, float(at) - time.time()))
try:
    booking = booking_create(slot_id=int(slot_id), appointment_type=kind,
        name="Pasient", phone=phone, email="", is_new_patient=False,
        privacy_notice_read=channel == "web", channel=channel)
    print("won", booking.channel)
except BookingError as error:
    print("lost", type(error).__name__)
"""

STATE = """
from booking.models import Booking
print(Booking.objects.filter(slot_id={slot}, status="confirmed").count())
"""


def test_reception_and_a_patient_book_one_time_at_once_exactly_one_wins(
    database_env,
):
    server = migrated_processes(database_env)
    winners = []
    for slot in shell(server, SETUP).split(","):
        at = str(time.time() + 4)  # after every process has started Django
        runs = [
            spawn(server, CONTEND, "phone", slot, at),
            spawn(server, CONTEND, "web", slot, at),
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert all(run.returncode == 0 for run in runs), outputs
        results = [out.strip().splitlines()[-1] for out, _err in outputs]
        assert sum(r.startswith("won") for r in results) == 1, results
        assert all(r.startswith("won") or r == "lost SlotTaken" for r in results)
        winners.append(next(r for r in results if r.startswith("won")))
        assert shell(server, STATE.format(slot=slot)) == "1"
    assert len(winners) == ROUNDS
