"""Two patients move their bookings into one time while a third books it fresh,
each in a process of its own, on a file SQLite database and on PostgreSQL
(issue 18): exactly one gets it, the others keep what they had."""

import time

import pytest

from tests.booking.conftest import migrated_processes, shell, spawn

pytestmark = pytest.mark.server

ROUNDS = 2

# Per round: two booked times (two patients) and the time all three want.
SETUP = f"""
import datetime as dt
from django.utils import timezone
from booking.services import booking_create
from tests.factories import AppointmentTypeFactory, ClinicFactory, PractitionerFactory
from tests.factories import SlotFactory
kind = AppointmentTypeFactory()
clinic = ClinicFactory(name="NEMUS Kappløp", slug="nemus-kapplop")
kari, per = (PractitionerFactory(clinic=clinic) for _ in range(2))
day = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0,
    microsecond=0)
rounds = []
for n in range({ROUNDS}):
    start = day + dt.timedelta(hours=n)
    old = [SlotFactory(practitioner=kari, starts_at=start + dt.timedelta(days=d))
           for d in (1, 2)]
    wanted = SlotFactory(practitioner=per, starts_at=start)
    booked = [booking_create(slot_id=slot.pk, appointment_type=kind, name="Pasient",
              phone=f"412345{{n}}{{i}}", email="p@example.invalid",
              is_new_patient=False, privacy_notice_read=True)
              for i, slot in enumerate(old)]
    rounds.append(",".join(str(x) for x in (booked[0].pk, booked[1].pk, wanted.pk)))
print(";".join(rounds))
"""

# One contender: waits for the shared moment, then moves or books.
CONTEND = """
import sys, time
from booking.models import AppointmentType
from booking.services import BookingError, booking_change, booking_create
role, ident, target, at = sys.argv[1:5]
kind = AppointmentType.objects.get(slug="oppfolging")
time.sleep(max(0, float(at) - time.time()))
try:
    if role == "move":
        booking_change(booking_id=int(ident), new_slot_id=int(target))
    else:
        booking_create(slot_id=int(target), appointment_type=kind, name="Ny",
            phone="41239999", email="ny@example.invalid", is_new_patient=False,
            privacy_notice_read=True)
    print("won")
except BookingError as error:
    print("lost", type(error).__name__)
"""

STATE = """
from booking.models import Booking
ids = [int(x) for x in "{ids}".split(",")]
moved = [Booking.objects.get(pk=pk) for pk in ids[:2]]
print(" ".join(str(b.slot_id) + ":" + b.status for b in moved),
      Booking.objects.filter(slot_id=ids[2], status="confirmed").count())
"""


def test_two_moves_and_a_booking_into_one_time_exactly_one_wins(database_env):
    server = migrated_processes(database_env)
    rounds = [r.split(",") for r in shell(server, SETUP).split(";")]
    winners = []
    for first, second, wanted in rounds:
        at = str(time.time() + 4)  # after every process has started Django
        runs = [
            spawn(server, CONTEND, "move", first, wanted, at),
            spawn(server, CONTEND, "move", second, wanted, at),
            spawn(server, CONTEND, "book", "", wanted, at),
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert all(run.returncode == 0 for run in runs), outputs
        results = [out.strip().splitlines()[-1] for out, _err in outputs]
        assert results.count("won") == 1, results
        assert all(r == "won" or r.startswith("lost SlotTaken") for r in results)
        winners.append(results.index("won"))
        state = shell(server, STATE.format(ids=f"{first},{second},{wanted}"))
        slots, taken = state.rsplit(" ", 1)
        assert taken == "1", state
        # The movers that lost keep their old time, still confirmed.
        for index, entry in enumerate(slots.split()):
            slot_id, status = entry.split(":")
            assert status == "confirmed", state
            assert (slot_id == wanted) == (winners[-1] == index), state
    # Each round had one winner; who won is up to the race.
    assert len(winners) == ROUNDS
