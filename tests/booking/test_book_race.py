"""Reception books a phone patient into a time from the appointment book while a
patient books it online (issue 19), and a course while patients book the same
times online (issue 37), each in a process of its own, on a file SQLite database
and on PostgreSQL: every time ends with exactly one booking. One database per
backend for both (migrating it is most of the time)."""

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


def test_each_time_gets_one_booking_when_reception_patients_and_a_course_race(
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
    course_race(server)


WEEKS = 4

SETUP_COURSE = f"""
import datetime as dt
from django.utils import timezone
from booking.models import AppointmentType
from booking.services import booking_create
from tests.factories import AppointmentTypeFactory, ClinicFactory, PractitionerFactory
from tests.factories import SlotFactory
AppointmentTypeFactory()
kari = PractitionerFactory(clinic=ClinicFactory(name="NEMUS Kurs", slug="nemus-kurs"))
start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0,
    microsecond=0)
first = SlotFactory(practitioner=kari, starts_at=start)
weeks = [SlotFactory(practitioner=kari, starts_at=start + dt.timedelta(weeks=n))
    for n in range(1, {WEEKS} + 1)]
booking = booking_create(slot_id=first.pk,
    appointment_type=AppointmentType.objects.get(slug="oppfolging"),
    name="Kurs Pasient", phone="22334455", email="", is_new_patient=False,
    privacy_notice_read=False, channel="phone")
print(booking.pk, ",".join(str(slot.pk) for slot in weeks))
"""

# Reception: the whole course at the shared moment.
COURSE = """
import sys, time
from booking.models import Booking
from booking.services import booking_series_create
booking_id, slots, at = sys.argv[1:4]
booking = Booking.objects.select_related("slot", "appointment_type").get(
    pk=int(booking_id))
time.sleep(max(0, float(at) - time.time()))
booked, refused = booking_series_create(booking=booking,
    slot_ids=[int(s) for s in slots.split(",")])
print("course", len(booked), len(refused))
"""

# A patient online, for one of the course's times, at the same moment.
ONLINE = """
import sys, time
from booking.models import AppointmentType
from booking.services import BookingError, booking_create
slot_id, phone, at = sys.argv[1:4]
kind = AppointmentType.objects.get(slug="oppfolging")
time.sleep(max(0, float(at) - time.time()))
try:
    booking_create(slot_id=int(slot_id), appointment_type=kind, name="Nett Pasient",
        phone=phone, email="", is_new_patient=False, privacy_notice_read=True)
    print("won")
except BookingError as error:
    print("lost", type(error).__name__)
"""

COURSE_STATE = """
from booking.models import Booking
print(",".join(
    str(Booking.objects.filter(slot_id=int(slot), status="confirmed").count())
    for slot in "{slots}".split(",")
))
"""


def course_race(server):
    """A course of WEEKS times against two patients online for its first two."""
    booking_id, slots = shell(server, SETUP_COURSE).split()
    slot_ids = slots.split(",")
    at = str(time.time() + 4)  # after every process has started Django
    runs = [spawn(server, COURSE, booking_id, slots, at)] + [
        spawn(server, ONLINE, slot_id, f"4123450{n}", at)
        for n, slot_id in enumerate(slot_ids[:2])
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    course = outputs[0][0].strip().splitlines()[-1].split()
    patients = [out.strip().splitlines()[-1] for out, _err in outputs[1:]]
    won_online = sum(result == "won" for result in patients)
    assert all(result in ("won", "lost SlotTaken") for result in patients)
    # The course booked every time but those the patients won, and reported those.
    assert course == ["course", str(WEEKS - won_online), str(won_online)]
    counts = shell(server, COURSE_STATE.format(slots=slots)).split(",")
    assert counts == ["1"] * WEEKS
