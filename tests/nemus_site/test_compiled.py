"""Queries compiled once and run again with new values give what the ORM gives, on
either database; what cannot be kept safely is built by the ORM every time."""

import datetime as dt
import threading

import pytest
from django.db import connections, router
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Now
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone, translation

from booking.models import AppointmentType, Slot
from booking.selectors import (
    DAY_COUNTS,
    DAY_TIMES,
    FIRST_OPEN,
    FIRST_START,
    open_filters,
    open_in_window,
)
from booking.selectors.day_view import _by_day, _day_counts
from booking.selectors.open_times import _first_open_query
from booking.services import booking_create
from clinics.models import Clinic
from nemus_site.compiled import COMPILER_PARTS, CompiledQuery
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


def kept(query: CompiledQuery, **values):
    """What the query keeps for these values' shape: its compiled form, or None
    (built every time)."""
    return query.compiled[query.key(values)]


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
            rows, built = first_open(
                **window(now), clinic_ids=chosen, profession=profession
            )
            assert rows == built
            assert [pk for pk, _first, _id in rows] == sorted(chosen)
            assert kept(
                FIRST_OPEN, **window(now), clinic_ids=chosen, profession=profession
            )
    # New values, the same shape: the SQL kept is run with them.
    later = now + dt.timedelta(days=3)
    rows, built = first_open(**window(later), clinic_ids=ids, profession="")
    assert rows == built == [(pk, None, None) for pk in sorted(ids)]


def test_an_empty_list_gives_no_rows_as_the_orm_does(clinics):
    values = {**window(timezone.now()), "clinic_ids": [], "profession": ""}
    rows, built = first_open(**values)
    assert rows == built == []
    assert kept(FIRST_OPEN, **values) is None
    # The same query with ids is still kept and answers.
    rows, _built = first_open(
        **window(timezone.now()), clinic_ids=[clinics[0].pk], profession=""
    )
    assert len(rows) == 1 and rows[0][1] is not None


def test_a_booking_shows_in_the_next_run(clinics):
    clinic = clinics[0]
    now = timezone.now()
    values = {**window(now), "clinic_ids": [clinic.pk], "profession": ""}
    [(_pk, first, slot_id)] = FIRST_OPEN.rows(**values)
    slot = Slot.objects.get(clinic=clinic, starts_at=first)
    assert slot.pk == slot_id
    booking_create(
        slot_id=slot.pk, appointment_type=AppointmentTypeFactory(), **PATIENT
    )
    [(_pk, after, _id)] = FIRST_OPEN.rows(**values)
    assert after > first


def test_columns_come_in_the_order_asked_for(clinics):
    first = Slot.objects.filter(clinic_id=OuterRef("pk")).order_by("starts_at")
    query = CompiledQuery(
        lambda *, ids: (
            Clinic.objects.filter(pk__in=ids)
            .annotate(first=Subquery(first.values("starts_at")[:1]))
            .values_list("first", "pk", "name")
        ),
        model=Clinic,
        columns=["first", "pk", "name"],
    )
    ids = [clinic.pk for clinic in clinics]
    for _ in range(2):
        rows = query.rows(ids=ids)
        assert sorted(rows, key=lambda row: row[1]) == sorted(
            (clinic.slots.order_by("starts_at")[0].starts_at, clinic.pk, clinic.name)
            for clinic in clinics
        )
    assert kept(query, ids=ids)


@pytest.mark.parametrize(
    "build",
    [
        # A datetime worked out from the value.
        lambda now: Slot.objects.filter(
            Q(starts_at__lt=now) | Q(starts_at__lt=now + dt.timedelta(days=2, hours=11))
        ),
        # A date worked out from it (on PostgreSQL the date goes to the database
        # as a date object, on SQLite as a string).
        lambda now: Slot.objects.filter(
            Q(starts_at__lt=now) | Q(starts_at__date__lte=now.date())
        ),
        # The value in the SQL's text as well as among its parameters.
        lambda now: Slot.objects.filter(starts_at__lt=now).extra(
            where=[f"starts_at < '{now.year + 1}-01-01'"]
        ),
    ],
    ids=["datetime", "date", "text"],
)
def test_a_query_using_a_value_worked_out_from_another_is_built_each_time(
    clinics, build
):
    """Each of these uses the value itself too: only the second set of stand-ins
    shows that another parameter (or the SQL) changes with it."""
    query = CompiledQuery(
        lambda *, now: build(now).values_list("pk"), model=Slot, columns=["pk"]
    )
    now = timezone.now() + dt.timedelta(minutes=1)
    first = query.rows(now=now)
    assert kept(query, now=now) is None
    assert sorted(first) == sorted(build(now).values_list("pk"))
    later = now + dt.timedelta(days=5)
    assert sorted(query.rows(now=later)) == sorted(build(later).values_list("pk"))
    assert len(query.rows(now=later)) == 6


def test_a_limit_from_a_value_is_built_each_time(clinics):
    query = CompiledQuery(
        lambda *, n: Slot.objects.order_by("pk").values_list("pk")[:n],
        model=Slot,
        columns=["pk"],
    )
    assert len(query.rows(n=2)) == 2
    assert kept(query, n=2) is None
    assert len(query.rows(n=5)) == 5


def test_the_language_is_part_of_the_key():
    kind = AppointmentTypeFactory(
        slug="first", name_nb="Førstegangstime", name_en="First visit"
    )
    query = CompiledQuery(
        lambda *, pk: AppointmentType.objects.filter(pk=pk).values_list("name"),
        model=AppointmentType,
        columns=["name"],
    )
    for _ in range(2):
        with translation.override("nb"):
            assert query.rows(pk=kind.pk) == [("Førstegangstime",)]
        with translation.override("en"):
            assert query.rows(pk=kind.pk) == [("First visit",)]
    assert len(query.compiled) == 2


def test_the_database_is_part_of_the_key(monkeypatch):
    query = CompiledQuery(
        lambda *, pk: Slot.objects.filter(pk=pk).values_list("pk"),
        model=Slot,
        columns=["pk"],
    )
    default = query.key({"pk": 1})
    monkeypatch.setattr(router, "db_for_read", lambda model, **hints: "replica")
    assert query.key({"pk": 1}) != default
    assert query.key({"pk": 1})[1] == "replica"


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_what_one_kept_with_its_own_connection(clinics):
    now = timezone.now()
    values = {**window(now), "clinic_ids": [c.pk for c in clinics], "profession": ""}
    here = sorted(FIRST_OPEN.rows(**values))
    assert kept(FIRST_OPEN, **values)
    there: list = []

    def run():
        try:
            there.append(sorted(FIRST_OPEN.rows(**values)))
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert there == [here]
    assert all(isinstance(first, dt.datetime) for _pk, first, _id in here)  # converted


def test_the_day_views_queries_are_kept_and_give_what_the_orm_gives(clinics):
    """The queries the day view asks, plain and filtered: each is compiled (this
    fails when Django's compiler changes what compiled.py reads) and gives what
    the ORM gives with the same values."""
    clinic = clinics[1]
    now = timezone.now()
    today = timezone.localdate()
    kind = AppointmentTypeFactory(
        slug="kiro-30", professions=["kiropraktor"], duration_minutes=30
    )
    person = clinic.practitioners.get(profession="fysioterapeut")
    for filters in (
        open_filters(),
        open_filters(appointment_type=kind),
        open_filters(profession="fysioterapeut"),
        open_filters(practitioner_id=person.pk),
    ):
        values = {**window(now), "clinic_id": clinic.pk, **filters}
        values.update(start=now, end=values["latest"])
        orm = open_in_window(**values)
        for distinct in (True, False):
            days = {
                "first_day": today,
                "last_day": today + dt.timedelta(days=13),
                "distinct_times": distinct,
            }
            rows = DAY_COUNTS.rows(**days, **values)
            assert kept(DAY_COUNTS, **days, **values)
            assert _by_day(rows, today, days["last_day"]) == _by_day(
                _day_counts(orm, today, days["last_day"], distinct),
                today,
                days["last_day"],
            )
            assert sum(n for _day, n in rows) == (2 if filters == open_filters() else 1)
        assert FIRST_START.rows(**values) == [
            (orm.order_by("starts_at").values_list("starts_at", flat=True)[0],)
        ]
        assert kept(FIRST_START, **values)
        times = DAY_TIMES.rows(**values)
        assert kept(DAY_TIMES, **values)
        assert times == [
            (slot.pk, slot.starts_at, slot.ends_at, slot.practitioner_id)
            for slot in orm.order_by("starts_at", "practitioner__name")
        ]


def test_what_compiled_py_reads_of_djangos_compiler_is_there(clinics):
    compiler = Slot.objects.filter(starts_at__lt=Now()).values_list("pk").query
    compiler = compiler.get_compiler("default")
    compiler.as_sql()
    for part in COMPILER_PARTS:
        assert hasattr(compiler, part), part
    assert isinstance(compiler, SQLCompiler)
    (expression, _sql, alias), *_rest = compiler.select[: compiler.col_count]
    assert alias == "pk" and expression.target.name == "id"


def test_the_booking_forms_time_is_kept_compiled_and_open_as_the_orm_says(clinics):
    """slot_open_get (the booking form's GET and POST) answers as slot_list_open:
    an open time with its practitioner; nothing for a time booked, withdrawn,
    inside the notice, past the horizon, of another clinic, of a practitioner who
    left, at a clinic that takes no bookings online, or an id no slot can have."""
    from booking.models import ClinicBookingPolicy
    from booking.selectors import OPEN_SLOT, slot_list_open, slot_open_get

    clinic, other = clinics[0], clinics[1]
    policy = ClinicBookingPolicy.objects.create(
        clinic=clinic, min_notice_hours=2, max_days_ahead=10
    )
    person = clinic.practitioners.get(profession="kiropraktor")
    open_slot = SlotFactory(practitioner=person, starts_at=at(3, 10))
    booked = SlotFactory(practitioner=person, starts_at=at(3, 11))
    booking_create(
        slot_id=booked.pk, appointment_type=AppointmentTypeFactory(), **PATIENT
    )
    withdrawn = SlotFactory(practitioner=person, starts_at=at(3, 12), is_withdrawn=True)
    soon = SlotFactory(
        practitioner=person,
        starts_at=timezone.now() + dt.timedelta(hours=1),
    )
    far = SlotFactory(practitioner=person, starts_at=at(20, 10))
    elsewhere = other.slots.first()
    left = PractitionerFactory(clinic=clinic, is_active=False)
    leaver = SlotFactory(practitioner=left, starts_at=at(3, 13))
    now = timezone.now()
    clinic = Clinic.objects.select_related("booking_policy").get(pk=clinic.pk)

    def orm(slot_id):
        return (
            slot_list_open(clinic=clinic, start=now, end=now + dt.timedelta(days=366))
            .filter(pk=slot_id)
            .first()
        )

    practitioners = {person.pk: person}
    for slot in (open_slot, booked, withdrawn, soon, far, elsewhere, leaver):
        found = slot_open_get(
            clinic=clinic, slot_id=slot.pk, now=now, practitioners=practitioners
        )
        expected = orm(slot.pk)
        assert (found and found.pk) == (expected and expected.pk), slot
    found = slot_open_get(clinic=clinic, slot_id=open_slot.pk, now=now)
    assert (found.starts_at, found.ends_at) == (open_slot.starts_at, open_slot.ends_at)
    assert found.practitioner.name == person.name and found.clinic is clinic
    assert found.minutes == 30
    values = {"slot_id": open_slot.pk, "clinic_id": clinic.pk, **window(now)}
    assert kept(OPEN_SLOT, **values)
    assert slot_open_get(clinic=clinic, slot_id=2**63, now=now) is None
    policy.online_booking = False
    policy.save()
    clinic = Clinic.objects.select_related("booking_policy").get(pk=clinic.pk)
    assert slot_open_get(clinic=clinic, slot_id=open_slot.pk, now=now) is None


def test_what_a_booking_asks_in_its_transaction_is_kept_and_as_the_orm_says(clinics):
    """booking_create's reads while it holds the write lock: whether the time is
    taken, the number's bookings ahead, whether a reference is used, whether the
    time was offered from the waiting list. Each compiled, each as the ORM says."""
    from booking.models import Booking, WaitlistEntry, WaitlistOffer
    from booking.selectors.bookings import (
        REFERENCE_TAKEN,
        SLOT_OFFERED,
        SLOT_TAKEN,
        WEB_BOOKINGS_AHEAD,
    )

    kind = AppointmentTypeFactory()
    slots = list(Slot.objects.filter(clinic=clinics[0]).order_by("starts_at"))
    booking = booking_create(slot_id=slots[0].pk, appointment_type=kind, **PATIENT)
    now = timezone.now()
    for slot in slots:
        orm = slot.bookings.filter(status__in=Booking.ACTIVE_STATUSES).exists()
        assert bool(SLOT_TAKEN.rows(slot_id=slot.pk)) == orm
    assert kept(SLOT_TAKEN, slot_id=slots[0].pk)
    asked = ((booking.phone, now), ("+4790000000", now), (booking.phone, at(9, 9)))
    for phone, moment in asked:
        orm = Booking.objects.filter(
            phone=phone,
            channel=Booking.Channel.WEB,
            status=Booking.Status.CONFIRMED,
            slot__starts_at__gt=moment,
        ).count()
        assert len(WEB_BOOKINGS_AHEAD.rows(phone=phone, now=moment)) == orm
    assert kept(WEB_BOOKINGS_AHEAD, phone=booking.phone, now=now)
    assert REFERENCE_TAKEN.rows(reference=booking.reference) == [(booking.pk,)]
    assert REFERENCE_TAKEN.rows(reference="ZZZZZZ") == []
    assert kept(REFERENCE_TAKEN, reference="ZZZZZZ")
    assert SLOT_OFFERED.rows(slot_id=slots[1].pk) == []
    entry = WaitlistEntry.objects.create(
        clinic=clinics[0],
        phone="+4791111111",
        channel="sms",
        latest_date=timezone.localdate() + dt.timedelta(days=9),
    )
    offer = WaitlistOffer.objects.create(entry=entry, slot=slots[1])
    assert SLOT_OFFERED.rows(slot_id=slots[1].pk) == [(offer.pk,)]
    assert kept(SLOT_OFFERED, slot_id=slots[1].pk)
