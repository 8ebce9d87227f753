"""Issue 39: a slot's length is kept by the database (Slot.length_minutes, indexed
with the clinic), rounded down, on SQLite and PostgreSQL alike: what fits a new
patient's appointment is an index lookup, and never a time a few seconds short."""

import datetime as dt

import pytest

from booking.models import Slot
from tests.booking.conftest import oslo
from tests.factories import SlotFactory


@pytest.mark.parametrize(
    ("length", "minutes"),
    [
        (dt.timedelta(minutes=45), 45),
        (dt.timedelta(minutes=44, seconds=59), 44),
        (dt.timedelta(minutes=30), 30),
        (dt.timedelta(hours=2, minutes=1), 121),
    ],
)
def test_the_database_keeps_each_slots_length(practitioner, length, minutes):
    start = oslo(3, 9)
    slot = SlotFactory(
        practitioner=practitioner, starts_at=start, ends_at=start + length
    )
    assert Slot.objects.get(pk=slot.pk).length_minutes == minutes
    fitting = Slot.objects.fitting_to(
        professions=[practitioner.profession], length=dt.timedelta(minutes=45)
    )
    assert fitting.filter(pk=slot.pk).exists() == (minutes >= 45)


def test_a_moved_slot_gets_its_new_length(practitioner):
    start = oslo(3, 9)
    slot = SlotFactory(practitioner=practitioner, starts_at=start)
    Slot.objects.filter(pk=slot.pk).update(ends_at=start + dt.timedelta(minutes=60))
    assert Slot.objects.get(pk=slot.pk).length_minutes == 60
