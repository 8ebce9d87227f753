"""Opening hours in Europe/Oslo: is a clinic open now, and its week."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

OSLO = ZoneInfo("Europe/Oslo")


@dataclass(frozen=True)
class Interval:
    opens: dt.time
    closes: dt.time | None  # None: open until midnight (the rest runs into tomorrow)

    def __str__(self):
        closes = self.closes or dt.time(0, 0)
        return f"{time_format(self.opens)}–{time_format(closes)}"


def intervals_on(clinic, day: dt.date) -> list[Interval]:
    """The clinic's open intervals on a local calendar day, with closures applied.

    Reads the clinic's prefetched opening_hours and closures, so no query is made.
    An interval that runs past midnight is split: the evening part belongs to its
    own day, the early-morning part to the next.
    """
    if any(closure.covers(day) for closure in clinic.closures.all()):
        return []
    weekday = day.weekday()
    yesterday = (weekday - 1) % 7
    intervals = []
    for hours in clinic.opening_hours.all():
        if hours.weekday == yesterday and hours.crosses_midnight:
            yesterday_closed = any(
                closure.covers(day - dt.timedelta(days=1))
                for closure in clinic.closures.all()
            )
            if not yesterday_closed:
                intervals.append(Interval(dt.time(0, 0), hours.closes))
        if hours.weekday == weekday:
            closes = None if hours.crosses_midnight else hours.closes
            intervals.append(Interval(hours.opens, closes))
    return sorted(intervals, key=lambda interval: interval.opens)


def closure_on(clinic, day: dt.date):
    return next((c for c in clinic.closures.all() if c.covers(day)), None)


def is_open_at(clinic, moment: dt.datetime) -> bool:
    local = timezone.localtime(moment, OSLO)
    return _open_in(intervals_on(clinic, local.date()), local.time())


def _open_in(intervals, now: dt.time) -> bool:
    return any(
        interval.opens <= now and (interval.closes is None or now < interval.closes)
        for interval in intervals
    )


def day_facts(clinic, day: dt.date) -> tuple[list, str]:
    """(intervals_on the day, describe_day of it), reading the clinic's hours
    once: what the finder keeps of each clinic for the day (clinics.views)."""
    intervals = intervals_on(clinic, day)
    return intervals, describe_day(clinic, day, intervals)


def open_at(intervals, moment: dt.datetime) -> bool:
    """is_open_at for the moment's day's intervals (day_facts)."""
    return _open_in(intervals, timezone.localtime(moment, OSLO).time())


def describe_day(clinic, day: dt.date, intervals=None) -> str:
    """'08.00–16.00', '08.00–11.30, 12.00–16.00', or 'Closed (reason)'.
    `intervals`: the day's, when the caller has them (intervals_on)."""
    if intervals is None:
        intervals = intervals_on(clinic, day)
    if intervals:
        return ", ".join(str(interval) for interval in intervals)
    closure = closure_on(clinic, day)
    if closure and closure.reason:
        return _("Closed (%(reason)s)") % {"reason": closure.reason}
    return _("Closed")


def day_label(day: dt.date) -> str:
    """'torsdag 26. november' in Norwegian, 'Thursday 26 November' in English."""
    return date_format(day, "DAY_FORMAT")


def week_rows(clinic, today: dt.date) -> list[dict]:
    """Seven rows from today on, for the opening_hours component."""
    return [
        {
            "label": day_label(day),
            "value": describe_day(clinic, day),
            "is_today": day == today,
        }
        for day in (today + dt.timedelta(days=offset) for offset in range(7))
    ]


def local_now() -> dt.datetime:
    return timezone.localtime(timezone.now(), OSLO)


def local_instant(day: dt.date, wall: dt.time) -> dt.datetime | None:
    """The UTC instant of a wall-clock time in Oslo, or None when the clock skips it
    (the hour lost when summer time starts). In the hour that repeats when it ends,
    the first of the two is used, so a slot is never made twice."""
    naive = dt.datetime.combine(day, wall)
    aware = naive.replace(tzinfo=OSLO, fold=0)
    if aware.astimezone(dt.UTC).astimezone(OSLO).replace(tzinfo=None) != naive:
        return None
    return aware.astimezone(dt.UTC)
