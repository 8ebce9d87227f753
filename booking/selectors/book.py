"""The staff appointment book: every time of a clinic's day or week with its state and
booking."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from booking.models import (
    SHOWN_STATUSES,
    Booking,
    BusyTime,
    ScheduleException,
    Slot,
)
from booking.selectors.day_view import local_midnight
from clinics.hours import OSLO
from clinics.models import Clinic, Practitioner

STATE_LABELS = {
    "open": gettext_lazy("open"),
    "booked": gettext_lazy("booked"),
    "attended": gettext_lazy("attended"),
    "no_show": gettext_lazy("did not attend"),
    "blocked": gettext_lazy("blocked"),
    "absent": gettext_lazy("away"),
    "passed": gettext_lazy("passed"),
}


def book_state(slot: Slot, booking: Booking | None, now: dt.datetime) -> str:
    """What a time is in the appointment book: booked, attended, no-show, blocked,
    passed or open. One home for it: the grid shows it and an action checks that it
    is still what the page showed."""
    if booking is not None:
        marked = {"attended": "attended", "no_show": "no_show"}
        return marked.get(str(booking.status), "booked")
    if slot.is_withdrawn:
        return "blocked"
    if slot.starts_at <= now:
        return "passed"
    return "open"


@dataclass
class BookCell:
    slot: Slot
    booking: Booking | None
    state: str
    # Booked at a time the practitioner's own calendar says busy.
    conflict: bool = False

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def token(self) -> str:
        """The time's state as shown, sent back with an action."""
        return f"{self.state}:{self.booking.pk if self.booking else 0}"


@dataclass
class BookColumn:
    practitioner: Practitioner
    day: dt.date
    absent: bool
    cells: dict[str, BookCell] = field(default_factory=dict)


@dataclass
class AppointmentBook:
    clinic: Clinic
    days: list[dt.date]
    practitioners: list[Practitioner]
    shown: list[Practitioner]
    columns: list[BookColumn]
    rows: list[tuple[str, list[BookCell | None]]]

    @property
    def is_week(self) -> bool:
        return len(self.days) > 1


def shown_bookings():
    return Prefetch(
        "bookings",
        queryset=Booking.objects.filter(status__in=SHOWN_STATUSES).select_related(
            "appointment_type"
        ),
        to_attr="shown",
    )


def appointment_book_get(
    *,
    clinic: Clinic,
    start: dt.date,
    days: int = 1,
    practitioner_id: int | None = None,
    now: dt.datetime | None = None,
) -> AppointmentBook:
    """A clinic's appointment book: one day with a column per practitioner, or a
    week of one practitioner (`practitioner_id` if they work here, else the
    first) with a column per day; a row per time (Oslo clock), booked times the
    practitioner's calendar says busy marked. Five queries, whatever the number of
    practitioners, slots and bookings."""
    now = now or timezone.now()
    practitioners = list(
        Practitioner.objects.filter(clinic=clinic, is_active=True).order_by(
            "profession", "name"
        )
    )
    shown = practitioners
    if days > 1:
        # A week is one practitioner's: the one asked for when they work here,
        # else the first.
        chosen = [p for p in practitioners if p.pk == practitioner_id]
        shown = chosen or practitioners[:1]
    dates = [start + dt.timedelta(days=n) for n in range(days)]
    away = {
        (absence.practitioner_id, day)
        for absence in ScheduleException.objects.filter(
            practitioner__in=shown, starts_on__lte=dates[-1], ends_on__gte=start
        )
        for day in dates
        if absence.covers(day)
    }
    columns = {
        (p.pk, day): BookColumn(practitioner=p, day=day, absent=(p.pk, day) in away)
        for day in dates
        for p in shown
    }
    slots = (
        Slot.objects.filter(
            practitioner__in=shown,
            starts_at__gte=local_midnight(start),
            starts_at__lt=local_midnight(dates[-1] + dt.timedelta(days=1)),
        )
        .select_related("practitioner")
        .prefetch_related(shown_bookings())
        .order_by("starts_at")
    )
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for practitioner_id, first, last in BusyTime.objects.filter(
        calendar__practitioner__in=shown,
        starts_at__lt=local_midnight(dates[-1] + dt.timedelta(days=1)),
        ends_at__gt=local_midnight(start),
    ).values_list("calendar__practitioner_id", "starts_at", "ends_at"):
        busy[practitioner_id].append((first, last))
    times = set()
    for slot in slots:
        local = timezone.localtime(slot.starts_at, OSLO)
        column = columns.get((slot.practitioner_id, local.date()))
        if column is None:
            continue
        booking = slot.shown[0] if slot.shown else None
        state = book_state(slot, booking, now)
        if state == "blocked" and column.absent:
            state = "absent"
        label = f"{local:%H.%M}"
        times.add(label)
        conflict = booking is not None and any(
            first < slot.ends_at and last > slot.starts_at
            for first, last in busy[slot.practitioner_id]
        )
        column.cells[label] = BookCell(
            slot=slot, booking=booking, state=state, conflict=conflict
        )
    ordered = list(columns.values())
    if days > 1:
        ordered.sort(key=lambda c: c.day)
    rows = [(label, [c.cells.get(label) for c in ordered]) for label in sorted(times)]
    return AppointmentBook(
        clinic=clinic,
        days=dates,
        practitioners=practitioners,
        shown=shown,
        columns=ordered,
        rows=rows,
    )


def book_cell_get(*, slot_id: int, clinic_ids=None, now=None) -> BookCell | None:
    """One time of the book as it is now (for an action's check), or None when it
    is not a time of the user's clinics."""
    now = now or timezone.now()
    slots = Slot.objects.select_related("clinic", "practitioner").prefetch_related(
        shown_bookings()
    )
    if clinic_ids is not None:
        slots = slots.filter(clinic_id__in=clinic_ids)
    slot = slots.filter(pk=slot_id).first()
    if slot is None:
        return None
    booking = slot.shown[0] if slot.shown else None
    return BookCell(slot=slot, booking=booking, state=book_state(slot, booking, now))


@dataclass
class DayListPart:
    """One practitioner's day on the printed day list: every booked or blocked
    time, in order."""

    clinic: Clinic
    practitioner: Practitioner
    absent: bool
    cells: list[BookCell]


def day_list_get(*, day: dt.date, clinic_ids=None, now=None) -> list[DayListPart]:
    """The day's booked and blocked times of the clinics (`clinic_ids`, or all),
    a part per practitioner (clinic, then profession and name): what reception
    prints. Three queries, however many practitioners and bookings."""
    now = now or timezone.now()
    queryset = (
        Slot.objects.filter(
            starts_at__gte=local_midnight(day),
            starts_at__lt=local_midnight(day + dt.timedelta(days=1)),
        )
        .select_related("practitioner", "clinic")
        .prefetch_related(shown_bookings())
        .order_by(
            "clinic__name",
            "practitioner__profession",
            "practitioner__name",
            "practitioner_id",
            "starts_at",
        )
    )
    if clinic_ids is not None:
        queryset = queryset.filter(clinic_id__in=clinic_ids)
    slots = list(queryset)
    away = set(
        ScheduleException.objects.filter(
            practitioner_id__in={slot.practitioner_id for slot in slots},
            starts_on__lte=day,
            ends_on__gte=day,
        ).values_list("practitioner_id", flat=True)
    )
    parts: dict[int, DayListPart] = {}
    for slot in slots:
        booking = slot.shown[0] if slot.shown else None
        state = book_state(slot, booking, now)
        if state in ("open", "passed"):
            continue
        absent = slot.practitioner_id in away
        if state == "blocked" and absent:
            state = "absent"
        part = parts.setdefault(
            slot.practitioner_id,
            DayListPart(
                clinic=slot.clinic,
                practitioner=slot.practitioner,
                absent=absent,
                cells=[],
            ),
        )
        part.cells.append(BookCell(slot=slot, booking=booking, state=state))
    return list(parts.values())
