"""Reads for the booking pages."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import DenseRank, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy

from booking.models import (
    SHOWN_STATUSES,
    AppointmentType,
    Booking,
    BookingEmail,
    BusyTime,
    CalendarFeed,
    ClinicBookingPolicy,
    ScheduleException,
    Slot,
    WaitlistEntry,
)
from clinics.hours import OSLO
from clinics.models import Clinic, Practitioner
from nemus_site.compiled import CompiledQuery


def appointment_types_for(*, professions) -> list[AppointmentType]:
    """Active appointment types offered by at least one of the professions."""
    wanted = set(professions)
    return [
        kind
        for kind in AppointmentType.objects.filter(is_active=True)
        if wanted & set(kind.professions)
    ]


def slot_list_open(
    *,
    clinic: Clinic,
    start: dt.datetime,
    end: dt.datetime,
    appointment_type: AppointmentType | None = None,
    profession: str = "",
    practitioner_id: int | None = None,
    now: dt.datetime | None = None,
):
    """Open slots a patient may book online at `clinic` between start and end, inside
    the clinic's notice and horizon, filtered as asked: a queryset (one query)."""
    policy = ClinicBookingPolicy.for_clinic(clinic)
    now = now or timezone.now()
    if not policy.online_booking:
        return Slot.objects.none()
    earliest, latest = policy.window(now)
    return (
        open_in_window(
            clinic_id=clinic.pk,
            now=now,
            earliest=earliest,
            latest=latest,
            start=start,
            end=end,
            **open_filters(
                appointment_type=appointment_type,
                profession=profession,
                practitioner_id=practitioner_id,
            ),
        )
        .select_related("practitioner")
        .order_by("starts_at", "practitioner__name")
    )


def open_filters(
    *,
    appointment_type: AppointmentType | None = None,
    profession: str = "",
    practitioner_id: int | None = None,
) -> dict:
    """A patient's choices as the values open_in_window takes (each a value a
    compiled query can take: ids, strings, a list of strings, a length)."""
    values: dict[str, object] = {
        "practitioner_id": practitioner_id or None,
        "profession": profession,
        "professions": None,
        "length": None,
    }
    if appointment_type is not None:
        values["professions"] = list(appointment_type.professions)
        values["length"] = dt.timedelta(minutes=appointment_type.duration_minutes)
    return values


def open_in_window(
    *,
    clinic_id,
    now,
    earliest,
    latest,
    start,
    end,
    practitioner_id=None,
    profession="",
    professions=None,
    length=None,
):
    """A clinic's slots bookable at `now` in the online window [earliest, latest)
    (ClinicBookingPolicy.window), starting from `start` until `end`; of one
    practitioner, of one profession, or fitting an appointment type (its
    professions and length: open_filters) when given."""
    slots = Slot.objects.bookable_in(now=now, earliest=earliest, latest=latest).filter(
        clinic_id=clinic_id, starts_at__gte=start, starts_at__lt=end
    )
    if practitioner_id is not None:
        slots = slots.filter(practitioner_id=practitioner_id)
    if profession:
        slots = slots.filter(practitioner__profession=profession)
    if professions is not None:
        slots = slots.fitting_to(professions=professions, length=length)
    return slots


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
    day: dt.date | None  # the day shown (None: no time in the strip)
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
    take theirs (any other is loaded)."""
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

    first = first_from(now)
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
        rows = DAY_COUNTS.rows(
            first_day=low,
            last_day=high,
            distinct_times=not by_practitioner,
            **in_window,
            start=now,
        )
        counts = _by_day(rows, low, high)
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
            later = first_from(local_midnight(high + dt.timedelta(days=1)))
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


def _clinics_by_window(clinics) -> list[tuple[ClinicBookingPolicy, list[int]]]:
    """The clinics that book online, grouped by their online window (notice and
    horizon): [(a policy of the group, clinic ids)]. One query, none when the
    clinics come with their policies (select_related, as the finder's directory
    has them); usually one group."""
    clinics = list(clinics)
    if all(Clinic.booking_policy.is_cached(clinic) for clinic in clinics):
        policies = {
            clinic.pk: ClinicBookingPolicy.for_clinic(clinic) for clinic in clinics
        }
    else:
        policies = {
            p.clinic_id: p
            for p in ClinicBookingPolicy.objects.filter(
                clinic__in=[clinic.pk for clinic in clinics]
            )
        }
    groups: dict[tuple, list[ClinicBookingPolicy]] = defaultdict(list)
    for clinic in clinics:
        policy = policies.get(clinic.pk) or ClinicBookingPolicy(clinic_id=clinic.pk)
        if policy.online_booking:
            groups[(policy.min_notice_hours, policy.max_days_ahead)].append(policy)
    return [
        (same[0], [policy.clinic_id for policy in same]) for same in groups.values()
    ]


def next_open_slot_by_clinic(
    *, clinics, now=None, profession: str = ""
) -> dict[int, dt.datetime]:
    """The first bookable start per clinic id (with a practitioner of `profession`
    when given): one query per distinct booking policy (usually one in all).

    A subquery per clinic that walks the (clinic, starts_at) index from the earliest
    allowed start and stops at the first open slot, rather than grouping every slot
    of every clinic: the time stays flat as the weeks of slots grow."""
    now = now or timezone.now()
    groups = _clinics_by_window(clinics)
    return _first_open(groups, now=now, profession=profession)


def _first_open_query(*, now, earliest, latest, clinic_ids, profession):
    open_here = Slot.objects.bookable_in(
        now=now, earliest=earliest, latest=latest
    ).filter(clinic_id=OuterRef("pk"))
    if profession:
        open_here = open_here.filter(practitioner__profession=profession)
    first = open_here.order_by("starts_at").values("starts_at")[:1]
    return (
        Clinic.objects.filter(pk__in=clinic_ids)
        .annotate(first=Subquery(first))
        .order_by()
        .values_list("pk", "first")
    )


# Built and compiled once per shape (nemus_site/compiled.py): the finder asks it on
# every rendering, and building it took twenty times as long as running it.
FIRST_OPEN = CompiledQuery(_first_open_query, model=Clinic, columns=["pk", "first"])


def _first_open(groups, *, now, profession: str) -> dict[int, dt.datetime]:
    result: dict[int, dt.datetime] = {}
    for policy, clinic_ids in groups:
        earliest, latest = policy.window(now)
        rows = FIRST_OPEN.rows(
            now=now,
            earliest=earliest,
            latest=latest,
            clinic_ids=list(clinic_ids),
            profession=profession,
        )
        # None filtered here: `first IS NOT NULL` in SQL ran the subquery twice.
        result.update((pk, first) for pk, first in rows if first is not None)
    return result


# The soonest list looks this far past each clinic's first open time for its next
# few: the window function then numbers a few days of slots, not the whole horizon.
SOONEST_SPAN = dt.timedelta(days=3)


def soonest_slots_by_clinic(
    *, clinics, per_clinic: int = 4, profession: str = "", now=None
) -> dict[int, list]:
    """Each clinic's first `per_clinic` open times ({clinic id: [slots]}), at most one
    per start time, within SOONEST_SPAN of its first: the policies, then two
    queries per distinct booking window however many clinics, practitioners and
    slots there are (the first open time per clinic, then a window function that
    numbers each clinic's times there; only the first few leave the database)."""
    now = now or timezone.now()
    groups = _clinics_by_window(clinics)
    first = _first_open(groups, now=now, profession=profession)
    result: dict[int, list] = defaultdict(list)
    for policy, all_ids in groups:
        clinic_ids = [clinic_id for clinic_id in all_ids if clinic_id in first]
        if not clinic_ids:
            continue
        near = Q()
        for clinic_id in clinic_ids:
            near |= Q(
                clinic_id=clinic_id,
                starts_at__lt=first[clinic_id] + SOONEST_SPAN,
            )
        slots = Slot.objects.bookable_online(policy=policy, now=now).filter(near)
        if profession:
            slots = slots.filter(practitioner__profession=profession)
        ranked = (
            slots.annotate(
                # The n-th distinct start time of its clinic...
                rank=Window(
                    DenseRank(),
                    partition_by=[F("clinic_id")],
                    order_by=[F("starts_at").asc()],
                ),
                # ...once, however many practitioners are free then.
                same_time=Window(
                    RowNumber(),
                    partition_by=[F("clinic_id"), F("starts_at")],
                    order_by=[F("practitioner__name").asc(), F("pk").asc()],
                ),
            )
            .filter(rank__lte=per_clinic, same_time=1)
            .select_related("practitioner")
            .order_by("clinic_id", "starts_at")
        )
        for slot in ranked:
            result[slot.clinic_id].append(slot)
    return dict(result)


def clinics_annotate_next_open(*, clinics, now=None) -> list:
    """The clinics, each with `next_open`: its first time bookable online, or None.
    The finder, the clinic page, the article and the booking pages show it."""
    clinics = list(clinics)
    first = next_open_slot_by_clinic(clinics=clinics, now=now)
    for clinic in clinics:
        clinic.next_open = first.get(clinic.pk)
    return clinics


def booking_get_for_patient(*, booking_id: int):
    return (
        Booking.objects.select_related(
            "slot__clinic__booking_policy", "slot__practitioner", "appointment_type"
        )
        .filter(pk=booking_id)
        .first()
    )


def waitlist_entry_get(*, entry_id: int) -> WaitlistEntry | None:
    return (
        WaitlistEntry.objects.select_related("clinic__booking_policy", "practitioner")
        .filter(pk=entry_id)
        .first()
    )


def waitlist_offers_open(*, entry: WaitlistEntry, now=None) -> list[Slot]:
    """The times offered to the entry that can still be booked online, soonest
    first."""
    now = now or timezone.now()
    policy = ClinicBookingPolicy.for_clinic(entry.clinic)
    return list(
        Slot.objects.bookable_online(policy=policy, now=now)
        .filter(pk__in=entry.offers.values("slot_id"))
        .select_related("practitioner")
        .order_by("starts_at")
    )


def waitlist_counts(*, clinic_ids=None) -> list[dict]:
    """Per clinic: confirmed entries still waiting, and sign-ups not yet
    confirmed (for staff; no one's details)."""
    today = timezone.localtime(timezone.now(), OSLO).date()
    entries = WaitlistEntry.objects.filter(latest_date__gte=today)
    if clinic_ids is not None:
        entries = entries.filter(clinic_id__in=clinic_ids)
    return list(
        entries.values("clinic__name")
        .annotate(
            waiting=Count("pk", filter=Q(confirmed_at__isnull=False)),
            unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
        )
        .order_by("clinic__name")
    )


# An outbox with more unsent e-mails than this, or one waiting longer, is unhealthy.
OUTBOX_MAX_BACKLOG = 20
OUTBOX_MAX_WAIT = dt.timedelta(minutes=30)


def email_outbox_health() -> tuple[bool, str]:
    """For /healthz?full=1: e-mails waiting to be sent (or retried), and how long
    the oldest has waited."""
    waiting = BookingEmail.objects.filter(sent_at__isnull=True)
    count = waiting.count()
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    age = timezone.now() - oldest if oldest else dt.timedelta(0)
    ok = count <= OUTBOX_MAX_BACKLOG and age <= OUTBOX_MAX_WAIT
    return ok, f"{count} waiting, oldest {int(age.total_seconds() // 60)} min"


# --- The appointment book (staff) ----------------------------------------------------


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


def _shown_bookings():
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
        .prefetch_related(_shown_bookings())
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
        _shown_bookings()
    )
    if clinic_ids is not None:
        slots = slots.filter(clinic_id__in=clinic_ids)
    slot = slots.filter(pk=slot_id).first()
    if slot is None:
        return None
    booking = slot.shown[0] if slot.shown else None
    return BookCell(slot=slot, booking=booking, state=book_state(slot, booking, now))


# --- Calendars -------------------------------------------------------------------


def calendar_conflicts(*, clinic_ids=None, now=None):
    """Booked times (still to come) that a busy time in the practitioner's own
    calendar overlaps: for staff to sort out; never cancelled by the site."""
    now = now or timezone.now()
    busy = BusyTime.objects.filter(
        calendar__practitioner_id=OuterRef("practitioner_id"),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    bookings = Booking.objects.filter(
        status__in=Booking.ACTIVE_STATUSES, starts_at__gt=now
    ).filter(Exists(busy))
    if clinic_ids is not None:
        bookings = bookings.filter(slot__clinic_id__in=clinic_ids)
    return bookings.select_related("slot__clinic", "slot__practitioner").order_by(
        "starts_at"
    )


def calendar_feed_events(*, feed: CalendarFeed, now=None) -> list[dict]:
    """What a private feed holds: the practitioner's (or clinic's) bookings and
    blocked times from a week back: time, kind and reference only."""
    now = now or timezone.now()
    slots = Slot.objects.filter(
        starts_at__gte=now - dt.timedelta(days=7)
    ).prefetch_related(_shown_bookings())
    if feed.practitioner_id:
        slots = slots.filter(practitioner_id=feed.practitioner_id)
    else:
        slots = slots.filter(clinic_id=feed.clinic_id)
    events = []
    for slot in slots.select_related("practitioner").order_by("starts_at"):
        booking = slot.shown[0] if slot.shown else None
        if booking is not None and booking.status in Booking.ACTIVE_STATUSES:
            events.append(
                {
                    "uid": booking.calendar_uid,
                    "starts_at": slot.starts_at,
                    "ends_at": slot.ends_at,
                    "summary": f"{booking.appointment_type.name} {booking.reference}",
                }
            )
        elif slot.is_withdrawn and slot.withdrawn_by == Slot.WithdrawnBy.STAFF:
            events.append(
                {
                    "uid": f"blocked-{slot.pk}@nemus",
                    "starts_at": slot.starts_at,
                    "ends_at": slot.ends_at,
                    "summary": str(gettext_lazy("Blocked")),
                }
            )
    return events
