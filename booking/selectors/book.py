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
class GridEntry:
    """What a column shows from one row down: a time (`cell`, with any other time
    starting inside it in `also`), a break between its times, or nothing, for
    `span` rows."""

    kind: str  # "cell", "break" or "empty"
    span: int
    cell: BookCell | None = None
    also: list[BookCell] = field(default_factory=list)


@dataclass
class GridRow:
    """A row of the book to scale: `step` minutes from `starts_at`; `entries` a
    GridEntry per column that starts here, None where one from above spans it."""

    starts_at: dt.datetime
    label: str
    whole: bool  # on the quarter hour: labelled large
    now: bool  # the current time falls in it
    entries: list[GridEntry | None]


@dataclass
class AppointmentBook:
    clinic: Clinic
    days: list[dt.date]
    practitioners: list[Practitioner]
    shown: list[Practitioner]
    columns: list[BookColumn]
    # To scale: rows of `step` minutes, each time spanning its length.
    step: int = 15
    grid: list[GridRow] = field(default_factory=list)
    # The day's practitioners with no time that day, or away all of it:
    # named in a note instead of an empty column.
    off: list[tuple[Practitioner, bool]] = field(default_factory=list)

    @property
    def is_week(self) -> bool:
        return len(self.days) > 1


def _minute(instant: dt.datetime) -> int:
    local = timezone.localtime(instant, OSLO)
    return local.hour * 60 + local.minute


def _end_minute(slot) -> int:
    """Where `slot` ends on the clock of the day it starts: at midnight (1440) when
    it ends then or on the next day (a time across midnight is cut there)."""
    start = timezone.localtime(slot.starts_at, OSLO)
    end = timezone.localtime(slot.ends_at, OSLO)
    return 1440 if end.date() > start.date() else end.hour * 60 + end.minute


def scale_grid(columns: list[BookColumn], *, day: dt.date, now: dt.datetime | None):
    """(step, rows) of the columns to scale: 15-minute rows when every time starts
    and ends on a quarter hour, else 5; each time spans its length, the gaps
    inside a column's day are breaks. Local clock of `day` (a week's columns are
    laid on the same clock); the row holding `now` is marked."""
    cells = [cell for column in columns for cell in column.cells.values()]
    if not cells:
        return 15, []
    minutes = [
        m
        for cell in cells
        for m in (_minute(cell.slot.starts_at), _end_minute(cell.slot))
    ]
    step = 15 if all(m % 15 == 0 for m in minutes) else 5
    first = min(minutes) // step * step
    last = -(-max(minutes) // step) * step
    count = (last - first) // step
    covered = object()
    layout = []
    for column in columns:
        entries: list = [None] * count
        ordered = sorted(column.cells.values(), key=lambda c: c.slot.starts_at)
        for cell in ordered:
            row = (_minute(cell.slot.starts_at) - first) // step
            end = _end_minute(cell.slot)
            span = max(1, -(-(end - first) // step) - row)
            span = min(span, count - row)
            if entries[row] is not None:
                # Starts inside a time already shown (overlapping times): shown
                # with it rather than lost.
                owner = next(
                    e for e in reversed(entries[: row + 1]) if isinstance(e, GridEntry)
                )
                owner.also.append(cell)
                continue
            entries[row] = GridEntry("cell", span, cell)
            for below in range(row + 1, row + span):
                if entries[below] is None:
                    entries[below] = covered
        starts = [i for i, e in enumerate(entries) if isinstance(e, GridEntry)]
        inside = (
            range(starts[0], max(i + entries[i].span for i in starts))
            if starts
            else range(0)
        )
        row = 0
        while row < count:
            if entries[row] is not None:
                row += 1
                continue
            gap = row
            while gap < count and entries[gap] is None:
                gap += 1
            kind = "break" if row in inside else "empty"
            entries[row] = GridEntry(kind, gap - row)
            for below in range(row + 1, gap):
                entries[below] = covered
            row = gap
        layout.append([e if isinstance(e, GridEntry) else None for e in entries])
    midnight = local_midnight(day)
    rows = []
    for n in range(count):
        start = midnight + dt.timedelta(minutes=first + n * step)
        local = timezone.localtime(start, OSLO)
        rows.append(
            GridRow(
                starts_at=start,
                label=f"{local:%H.%M}",
                whole=local.minute % 15 == 0,
                now=now is not None
                and start <= now < start + dt.timedelta(minutes=step),
                entries=[entries[n] for entries in layout],
            )
        )
    return step, rows


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
    first) with a column per day, laid out to scale (scale_grid: rows of 5 or 15
    minutes on the Oslo clock, each time spanning its length, breaks drawn);
    on a day, practitioners with no time or away all day are named in `off`
    instead. Booked times the practitioner's calendar says busy are marked. Five
    queries, whatever the number of practitioners, slots and bookings."""
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
        conflict = booking is not None and any(
            first < slot.ends_at and last > slot.starts_at
            for first, last in busy[slot.practitioner_id]
        )
        column.cells[label] = BookCell(
            slot=slot, booking=booking, state=state, conflict=conflict
        )
    ordered = list(columns.values())
    off = []
    if days > 1:
        ordered.sort(key=lambda c: c.day)
    else:
        # Who has no time today, or is away all of it: a note, not a column.
        off = [
            (c.practitioner, c.absent)
            for c in ordered
            if all(cell.state == "absent" for cell in c.cells.values())
        ]
        ordered = [c for c in ordered if (c.practitioner, c.absent) not in off]
    # The line for now on a day only (a week's rows are every day's clock).
    step, grid = scale_grid(ordered, day=start, now=now if days == 1 else None)
    return AppointmentBook(
        clinic=clinic,
        days=dates,
        practitioners=practitioners,
        shown=shown,
        columns=ordered,
        step=step,
        grid=grid,
        off=off,
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
