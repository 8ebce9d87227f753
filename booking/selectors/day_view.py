"""The public day view: the first open time, the strip of two weeks with each day's
count, the chosen day's times (queries compiled once: nemus_site/compiled.py)."""

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType

from django.db.models import (
    Count,
    Expression,
    F,
    IntegerField,
)
from django.utils import timezone

from booking.models import (
    AppointmentType,
    ClinicBookingPolicy,
    Slot,
)
from booking.selectors.open_times import open_filters, open_in_window
from clinics.hours import OSLO
from clinics.models import Clinic, Practitioner
from nemus_site.compiled import CompiledQuery


def local_midnight(day: dt.date) -> dt.datetime:
    """The first moment of `day` in Oslo (an aware datetime; DST-safe)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=OSLO)


# The day strip: two weeks of days, moved a week at a time.
STRIP_DAYS = 14


@dataclass(frozen=True)
class StripDay:
    date: dt.date
    count: int  # times that day, as the chosen grouping shows them (0 outside
    # the clinic's online window)


@dataclass(frozen=True, slots=True)
class OpenTime:
    """An open slot as the day view lists it: lighter to make than a Slot."""

    pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    practitioner: Practitioner


@dataclass
class SlotDay:
    """One clinic's open times for one day, and the strip of days around it."""

    today: dt.date
    last_day: dt.date  # the last day inside the clinic's online window
    weeks: int  # the strip starts `weeks` weeks from today
    strip: list[StripDay]
    day: dt.date | None  # the day shown (None: no appointment in the strip)
    first_day: dt.date | None  # the first day with a time anywhere in the window
    next_day: dt.date | None  # the first day with a time after `day`
    slots: list = field(default_factory=list)  # the day's slots, by time
    by_practitioner: bool = True

    @property
    def count(self) -> int:
        return next((d.count for d in self.strip if d.date == self.day), 0)

    @property
    def groups(self) -> list[tuple]:
        """[(practitioner, [slots])], practitioners by name: the grouped view."""
        groups: dict = {}
        for slot in self.slots:
            groups.setdefault(slot.practitioner, []).append(slot)
        return sorted(groups.items(), key=lambda item: item[0].name)

    @property
    def times(self) -> list:
        """One slot per start time, the first practitioner's: the "any practitioner"
        view."""
        seen, times = set(), []
        for slot in self.slots:
            if slot.starts_at not in seen:
                seen.add(slot.starts_at)
                times.append(slot)
        return times

    @property
    def has_earlier(self) -> bool:
        return self.weeks > 0

    @property
    def has_later(self) -> bool:
        return self.strip_start + dt.timedelta(days=STRIP_DAYS) <= self.last_day

    @property
    def strip_start(self) -> dt.date:
        return self.today + dt.timedelta(weeks=self.weeks)


class DayIndex(Expression):
    """Which of `ends` (day ends, ascending aware datetimes) a datetime column comes
    before: `CASE WHEN col < end0 THEN 0 WHEN col < end1 THEN 1 ... END`, built
    here with its parameters rather than as Case(When(...)) objects, which cost
    Django about 0.1 ms each to resolve and compile."""

    output_field = IntegerField()

    def __init__(self, expression, ends):
        super().__init__()
        self.expression = expression
        self.ends = list(ends)

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.expression)
        whens, params = [], []
        for index, end in enumerate(self.ends):
            whens.append(f"WHEN {column} < %s THEN {index}")
            params += [*column_params, connection.ops.adapt_datetimefield_value(end)]
        return f"CASE {' '.join(whens)} END", params


def _by_day(rows, first_day: dt.date, last_day: dt.date) -> dict[dt.date, int]:
    """{date: count} from _day_counts' (day index, count) rows."""
    days = _days(first_day, last_day)
    return {days[index]: n for index, n in rows if index is not None}


def _days(first_day: dt.date, last_day: dt.date) -> list[dt.date]:
    return [
        first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)
    ]


def _day_counts(slots, first_day, last_day, distinct_times):
    """(day index, count) rows. A slot's day is found by comparing its start with
    each Oslo midnight (computed here, so daylight saving is right), not by a
    date function of the database: SQLite runs Django's TruncDate in Python for
    every row, which took most of the day view's time."""
    ends = [
        local_midnight(day + dt.timedelta(days=1)) for day in _days(first_day, last_day)
    ]
    counted = Count("starts_at", distinct=True) if distinct_times else Count("pk")
    return (
        slots.filter(starts_at__gte=local_midnight(first_day), starts_at__lt=ends[-1])
        .order_by()
        .annotate(day_index=DayIndex(F("starts_at"), ends))
        .values("day_index")
        .annotate(n=counted)
        .values_list("day_index", "n")
    )


# The day view's three questions about a clinic's window, compiled once per shape
# (nemus_site/compiled.py): building them took longer than running them.
DAY_COUNTS = CompiledQuery(
    lambda *, first_day, last_day, distinct_times, **window: _day_counts(
        open_in_window(**window), first_day, last_day, distinct_times
    ),
    model=Slot,
    columns=["day_index", "n"],
)
DAY_TIMES = CompiledQuery(
    lambda **window: (
        open_in_window(**window)
        .order_by("starts_at", "practitioner__name")
        .values_list("pk", "starts_at", "ends_at", "practitioner_id")
    ),
    model=Slot,
    columns=["pk", "starts_at", "ends_at", "practitioner_id"],
)
FIRST_START = CompiledQuery(
    lambda **window: (
        open_in_window(**window).order_by("starts_at").values_list("starts_at")[:1]
    ),
    model=Slot,
    columns=["starts_at"],
)


def slot_day_get(
    *,
    clinic: Clinic,
    day: dt.date | None = None,
    weeks: int | None = None,
    by_practitioner: bool = True,
    appointment_type: AppointmentType | None = None,
    profession: str = "",
    practitioner_id: int | None = None,
    now: dt.datetime | None = None,
    practitioners=None,
    keep=None,
) -> SlotDay:
    """The day view: the first open time in the whole online window, the strip of
    two weeks with each day's count, and the chosen day's times (three queries; a
    fourth only when the next day with times lies past the strip), whatever the
    number of practitioners and slots: each walks the (clinic, starts_at) index
    over two weeks at most.

    Without `day` the view opens on the first day with a time: in the strip `weeks`
    weeks from today when given, else anywhere in the window (the strip then starts
    at that day's week). `day` must lie inside the window (forms.SlotFilterForm).
    `practitioners`, the clinic's, when the caller has them: the day's times then
    take theirs (any other is loaded). `keep(key, build)`, when given, keeps the
    first open time and the strip's counts until the next booking (the public
    day view: nemus_site.fragments.times_fragment_one), so a tapped day asks
    only for its own times."""
    now = now or timezone.now()
    policy = ClinicBookingPolicy.for_clinic(clinic)
    today, last_day = policy.window_days(now)
    earliest, latest = policy.window(now)
    in_window = {
        "clinic_id": clinic.pk,
        "now": now,
        "earliest": earliest,
        "latest": latest,
        "end": latest,
        **open_filters(
            appointment_type=appointment_type,
            profession=profession,
            practitioner_id=practitioner_id,
        ),
    }

    def first_from(start):
        if not policy.online_booking:
            return None
        rows = FIRST_START.rows(**in_window, start=start)
        return rows[0][0] if rows else None

    if keep is None:

        def keep(_key, build):
            return build()

    choice = (
        clinic.pk,
        getattr(appointment_type, "pk", None),
        profession,
        practitioner_id,
    )
    first = keep(("day-first", *choice), lambda: first_from(now))
    first_day = timezone.localtime(first, OSLO).date() if first else None

    if day is not None and weeks is None:
        weeks = (day - today).days // 7
    elif day is None and weeks is None:
        weeks = (first_day - today).days // 7 if first_day else 0
    weeks = max(0, weeks or 0)
    start = today + dt.timedelta(weeks=weeks)
    strip_end = start + dt.timedelta(days=STRIP_DAYS - 1)
    # The strip's days, and a chosen day outside it (a hand-made address).
    low, high = min(start, day or start), max(strip_end, day or strip_end)
    counts = {}
    if first_day is not None:
        counts = keep(
            ("day-counts", *choice, by_practitioner, low, high),
            lambda: MappingProxyType(
                _by_day(
                    DAY_COUNTS.rows(
                        first_day=low,
                        last_day=high,
                        distinct_times=not by_practitioner,
                        **in_window,
                        start=now,
                    ),
                    low,
                    high,
                )
            ),
        )
    strip = [
        StripDay(date=date, count=counts.get(date, 0))
        for date in (start + dt.timedelta(days=n) for n in range(STRIP_DAYS))
    ]
    if day is None:
        day = next((d.date for d in strip if d.count), None)
    next_day = None
    if day is not None and first_day is not None:
        next_day = min((d for d, n in counts.items() if d > day and n), default=None)
        if next_day is None and high < last_day:
            # Past the days counted: the first time after them.
            later = keep(
                ("day-later", *choice, high),
                lambda: first_from(local_midnight(high + dt.timedelta(days=1))),
            )
            next_day = timezone.localtime(later, OSLO).date() if later else None
    result = SlotDay(
        today=today,
        last_day=last_day,
        weeks=weeks,
        strip=strip,
        day=day,
        first_day=first_day,
        next_day=next_day,
        by_practitioner=by_practitioner,
    )
    if day is not None and counts.get(day):
        rows = DAY_TIMES.rows(
            **{
                **in_window,
                "start": local_midnight(day),
                "end": local_midnight(day + dt.timedelta(days=1)),
            }
        )
        by_id = {p.pk: p for p in practitioners or ()}
        missing = {row[3] for row in rows} - by_id.keys()
        if missing:  # none given, or one just added
            by_id.update(Practitioner.objects.in_bulk(missing))
        result.slots = [
            OpenTime(pk, starts_at, ends_at, by_id[practitioner_id])
            for pk, starts_at, ends_at, practitioner_id in rows
        ]
    return result
