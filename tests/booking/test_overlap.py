"""One practitioner, one place: overlapping schedules are refused, and slots are
never made on top of each other, even from schedules that overlap already."""

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from booking.models import Slot, WeeklySchedule
from booking.services import slots_generate

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2027, 1, 4)


def slot_at(start, practitioner, begin, end, *, withdrawn=False):
    """A slot from `begin` to `end` minutes after `start`, made directly."""
    return Slot.objects.create(
        clinic=practitioner.clinic,
        practitioner=practitioner,
        starts_at=start + dt.timedelta(minutes=begin),
        ends_at=start + dt.timedelta(minutes=end),
        is_withdrawn=withdrawn,
    )


def schedule(practitioner, starts, ends, minutes):
    return WeeklySchedule(
        practitioner=practitioner,
        weekday=0,
        starts=dt.time(*starts),
        ends=dt.time(*ends),
        slot_minutes=minutes,
    )


@pytest.mark.parametrize(
    ("starts", "ends", "minutes"),
    [((8, 10), (10, 0), 45), ((8, 0), (10, 0), 30), ((9, 59), (12, 0), 30)],
)
def test_an_overlapping_schedule_is_refused(practitioner, starts, ends, minutes):
    schedule(practitioner, (8, 0), (10, 0), 30).save()
    with pytest.raises(ValidationError) as error:
        schedule(practitioner, starts, ends, minutes).full_clean()
    assert "Kari Rygg arbeider allerede 08.00–10.00 denne dagen." in str(error.value)


def test_back_to_back_schedules_are_fine(practitioner):
    schedule(practitioner, (8, 0), (10, 0), 30).save()
    schedule(practitioner, (10, 0), (12, 0), 45).full_clean()


def test_slots_from_overlapping_schedules_never_overlap(practitioner):
    # As the hostile test found them: saved before the rule (no clean()).
    schedule(practitioner, (8, 0), (10, 0), 30).save()
    schedule(practitioner, (8, 10), (10, 0), 45).save()
    schedule(practitioner, (8, 0), (10, 0), 30).save()  # an exact copy
    slots_generate(start=MONDAY, days=1)
    slots = list(
        Slot.objects.filter(practitioner=practitioner)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    assert len(slots) == 4  # 08.00, 08.30, 09.00, 09.30
    for (_start, end), (next_start, _end) in itertools.pairwise(slots):
        assert end <= next_start
    assert slots_generate(start=MONDAY, days=1) == 0  # still idempotent


def test_the_overlap_command_lists_what_to_fix(practitioner):
    from django.db import connection

    schedule(practitioner, (8, 0), (10, 0), 30).save()
    schedule(practitioner, (8, 10), (10, 0), 45).save()
    if connection.vendor == "postgresql":
        # PostgreSQL refuses overlapping slots itself (the test below); here only
        # the schedules can overlap.
        out = StringIO()
        call_command("list_overlaps", stdout=out)
        assert "1 overlapping weekly schedule pair(s)" in out.getvalue()
        assert "0 overlapping slot pair(s)" in out.getvalue()
        return
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    slot_at(start, practitioner, 0, 30)
    slot_at(start, practitioner, 10, 55)
    out = StringIO()
    call_command("list_overlaps", stdout=out)
    text = out.getvalue()
    assert "1 overlapping weekly schedule pair(s)" in text
    assert "1 overlapping slot pair(s)" in text
    assert "Kari Rygg" in text


def test_bookings_carry_their_practitioner_and_times(slot, follow_up, practitioner):
    from booking.services import booking_create, booking_move
    from tests.booking.conftest import PATIENT
    from tests.factories import SlotFactory

    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    assert (booking.practitioner_id, booking.starts_at, booking.ends_at) == (
        practitioner.pk,
        slot.starts_at,
        slot.ends_at,
    )
    later = SlotFactory(
        practitioner=practitioner, starts_at=slot.starts_at + dt.timedelta(hours=3)
    )
    moved = booking_move(booking_id=booking.pk, new_slot_id=later.pk)
    moved.refresh_from_db()
    assert (moved.starts_at, moved.ends_at) == (later.starts_at, later.ends_at)


@pytest.mark.django_db(transaction=True)
def test_postgresql_itself_refuses_overlapping_slots_and_bookings(practitioner):
    from django.db import IntegrityError, connection

    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraints are PostgreSQL's")
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    slot_at(start, practitioner, 0, 30)
    with pytest.raises(IntegrityError, match="slot_practitioner_no_overlap"):
        slot_at(start, practitioner, 10, 55)
    # A withdrawn slot may lie under another: it is not offered.
    slot_at(start, practitioner, 10, 55, withdrawn=True)


@pytest.mark.django_db(transaction=True)
def test_the_constraint_migration_refuses_while_overlaps_exist(practitioner):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraints are PostgreSQL's")
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "booking", "0004", verbosity=0)
    try:
        # The table as migration 0004 left it: today's Slot has columns it lacks.
        state = MigrationExecutor(connection).loader.project_state(
            ("booking", "0004_one_practitioner_one_place")
        )
        old_slot = state.apps.get_model("booking", "Slot")
        start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
        for minutes in (0, 10):
            old_slot.objects.create(
                clinic_id=practitioner.clinic_id,
                practitioner_id=practitioner.pk,
                starts_at=start + dt.timedelta(minutes=minutes),
                ends_at=start + dt.timedelta(minutes=minutes + 30),
            )
        with pytest.raises(RuntimeError, match=r"manage\.py list_overlaps"):
            call_command("migrate", "booking", "0005", verbosity=0)
        old_slot.objects.filter(practitioner_id=practitioner.pk).update(
            is_withdrawn=True
        )
    finally:
        call_command("migrate", "booking", verbosity=0)


def test_offering_a_withdrawn_slot_again_is_refused_when_it_overlaps(
    admin_client, practitioner
):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    slot_at(start, practitioner, 0, 30)
    hidden = slot_at(start, practitioner, 10, 40, withdrawn=True)
    response = admin_client.post(
        reverse("admin:booking_slot_change", args=[hidden.pk]), {"external_id": ""}
    )
    assert response.status_code == 200
    assert "Trekk tilbake den først." in response.content.decode()
    hidden.refresh_from_db()
    assert hidden.is_withdrawn is True
