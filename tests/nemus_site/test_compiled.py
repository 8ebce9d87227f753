"""Queries compiled once and run again with new values give what the ORM gives."""

import datetime as dt

import pytest
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from booking.models import Slot
from booking.selectors import (
    DAY_COUNTS,
    FIRST_OPEN,
    _first_open_query,
    open_in_window,
    slot_day_counts,
)
from booking.services import booking_create
from clinics.models import Clinic
from nemus_site.compiled import CompiledQuery
from tests.booking.conftest import PATIENT
from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db


def at(days, hour):
    return (timezone.now() + dt.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def clinics():
    made = []
    for n in range(3):
        clinic = ClinicFactory()
        for profession, hour in (("fysioterapeut", 9 + n), ("kiropraktor", 12)):
            person = PractitionerFactory(clinic=clinic, profession=profession)
            SlotFactory(practitioner=person, starts_at=at(2, hour))
        made.append(clinic)
    return made


def first_open(**values):
    return sorted(FIRST_OPEN.rows(**values)), sorted(
        tuple(row) for row in _first_open_query(**values)
    )


def window(now):
    return {"now": now, "earliest": now, "latest": now + dt.timedelta(days=30)}


def test_each_shape_and_each_value_gives_what_the_orm_gives(clinics):
    now = timezone.now()
    ids = [clinic.pk for clinic in clinics]
    for chosen in (ids, ids[:1], ids[1:]):
        for profession in ("", "kiropraktor", "fysioterapeut"):
            kept, built = first_open(
                **window(now), clinic_ids=chosen, profession=profession
            )
            assert kept == built
            assert [pk for pk, _first in kept] == sorted(chosen)
    # New values, the same shape: the SQL kept is run with them.
    later = now + dt.timedelta(days=3)
    kept, built = first_open(**window(later), clinic_ids=ids, profession="")
    assert kept == built == [(pk, None) for pk in sorted(ids)]


def test_a_booking_shows_in_the_next_run(clinics):
    clinic = clinics[0]
    now = timezone.now()
    values = {**window(now), "clinic_ids": [clinic.pk], "profession": ""}
    [(_pk, first)] = FIRST_OPEN.rows(**values)
    slot = Slot.objects.get(clinic=clinic, starts_at=first)
    booking_create(
        slot_id=slot.pk, appointment_type=AppointmentTypeFactory(), **PATIENT
    )
    [(_pk, after)] = FIRST_OPEN.rows(**values)
    assert after > first


def test_columns_come_in_the_order_asked_for(clinics):
    first = Slot.objects.filter(clinic_id=OuterRef("pk")).order_by("starts_at")
    query = CompiledQuery(
        lambda *, ids: (
            Clinic.objects.filter(pk__in=ids)
            .annotate(first=Subquery(first.values("starts_at")[:1]))
            .values_list("first", "pk", "name")
        ),
        columns=["first", "pk", "name"],
    )
    ids = [clinic.pk for clinic in clinics]
    for _ in range(2):
        rows = query.rows(ids=ids)
        assert sorted(rows, key=lambda row: row[1]) == sorted(
            (clinic.slots.order_by("starts_at")[0].starts_at, clinic.pk, clinic.name)
            for clinic in clinics
        )


def test_a_query_using_a_value_worked_out_from_another_is_built_each_time(clinics):
    query = CompiledQuery(
        lambda *, now: Slot.objects.filter(
            starts_at__lt=now + dt.timedelta(days=2, hours=11)
        ).values_list("pk"),
        columns=["pk"],
    )
    now = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    assert len(query.rows(now=now)) == 2  # the two at 9 and 10 o'clock
    assert query.compiled and list(query.compiled.values()) == [False]
    assert len(query.rows(now=now + dt.timedelta(hours=2))) == 6


def test_the_day_counts_kept_equal_the_orm_ones(clinics):
    clinic = clinics[1]
    now = timezone.now()
    today = timezone.localdate()
    values = {
        **window(now),
        "clinic_id": clinic.pk,
        "start": now,
        "end": now + dt.timedelta(days=30),
    }
    for distinct in (True, False):
        rows = DAY_COUNTS.rows(
            first_day=today,
            last_day=today + dt.timedelta(days=13),
            distinct_times=distinct,
            **values,
        )
        counted = slot_day_counts(
            open_in_window(**values),
            first_day=today,
            last_day=today + dt.timedelta(days=13),
            distinct_times=distinct,
        )
        assert {today + dt.timedelta(days=i): n for i, n in rows} == counted
        assert sum(counted.values()) == 2
