"""Reading the busy times out of a practitioner's calendar: `busy_intervals`.

Recurring events expanded in Europe/Oslo for the window only: a rule that cannot
end (INTERVAL=0, an unknown FREQ, several RRULEs) or by the minute or second is
refused outright, the occurrences looked at are capped in number, and the reading
runs in a forked process stopped at CALENDAR_PARSE_SECONDS (the library can loop
without handing back an event, where no check inside could see it); busy means
opaque (TRANSP:TRANSPARENT is free) and not cancelled; all-day events are busy for
their Oslo days, floating times are Oslo times; events this site issued (UIDs
ending in @nemus) are our own bookings echoed back and ignored.
"""

import datetime as dt
import multiprocessing
import time

import icalendar
import recurring_ical_events
from django.conf import settings

from booking.outside.calendars.fetch import CalendarError
from clinics.hours import OSLO

# Our own bookings, echoed back by a calendar that imported our feed.
OWN_UID_SUFFIX = "@nemus"
# Recurrences no practitioner's calendar has; each would be thousands of events.
TOO_FREQUENT = {"SECONDLY", "MINUTELY"}
FREQUENCIES = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"}


def _instant(value, *, end: bool = False) -> dt.datetime:
    """An event's start or end as an aware datetime: a date is Oslo's midnight
    (an all-day event's end date is exclusive in iCalendar), a floating time is
    Oslo's time."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=OSLO)
    return dt.datetime.combine(value, dt.time(), tzinfo=OSLO)


def _bounds(event) -> tuple[dt.datetime, dt.datetime]:
    start_value = event.decoded("DTSTART")
    start = _instant(start_value)
    if "DTEND" in event:
        end = _instant(event.decoded("DTEND"), end=True)
    elif "DURATION" in event:
        end = start + event.decoded("DURATION")
    elif isinstance(start_value, dt.datetime):
        end = start  # an instant: it takes no appointment
    else:
        end = _instant(start_value + dt.timedelta(days=1))
    return start, end


def is_busy(event) -> bool:
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False
    if str(event.get("STATUS", "CONFIRMED")).upper() == "CANCELLED":
        return False
    return not str(event.get("UID", "")).endswith(OWN_UID_SUFFIX)


def _check_rules(calendar) -> None:
    """Refuse a recurrence that cannot end or that no practitioner's calendar has,
    before anything expands it: several RRULEs on one event, an unknown FREQ, an
    INTERVAL under 1, or a rule by the minute or second."""
    for event in calendar.walk("VEVENT"):
        for name in ("RRULE", "EXRULE"):
            rules = event.get(name)
            if rules is None:
                continue
            if isinstance(rules, list):
                if len(rules) > 1:
                    raise CalendarError(f"more than one {name} in an event")
                rules = rules[0]
            if not isinstance(rules, icalendar.vRecur):
                raise CalendarError(_unreadable_rule(name, rules))
            frequencies = [str(f).upper() for f in rules.get("FREQ", [])]
            if len(frequencies) != 1:
                raise CalendarError(f"{name} without one FREQ")
            if frequencies[0] in TOO_FREQUENT or "BYSECOND" in rules:
                raise CalendarError("recurrence too frequent")
            if frequencies[0] not in FREQUENCIES:
                raise CalendarError(f"unknown recurrence FREQ={frequencies[0][:20]}")
            intervals = rules.get("INTERVAL", [1])
            if len(intervals) != 1 or not str(intervals[0]).isdigit():
                raise CalendarError(f"unreadable {name} INTERVAL")
            if int(intervals[0]) < 1:
                raise CalendarError(f"recurrence INTERVAL={intervals[0]} never ends")


def _unreadable_rule(name: str, rule) -> str:
    """Why a rule the library could not parse is refused: its FREQ, if that is
    what it did not know."""
    try:
        raw = rule.to_ical().decode("utf-8", "replace")
    except Exception:
        return f"unreadable {name}"
    parts = dict(part.split("=", 1) for part in raw.split(";") if "=" in part)
    frequency = parts.get("FREQ", "").upper()
    if frequency and frequency not in FREQUENCIES | TOO_FREQUENT:
        return f"unknown recurrence FREQ={frequency[:20]}"
    return f"unreadable {name}"


def _expand(data: bytes, start, end, cap: int, seconds: float):
    """The busy times (see busy_intervals), in this process; the soft checks of
    the cap and the time, which the library can only be asked between events."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise CalendarError("not a calendar") from error
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise CalendarError("not a calendar")
    give_up = time.monotonic() + seconds
    intervals = []
    seen = 0
    try:
        _check_rules(calendar)
        for event in recurring_ical_events.of(calendar).after(start):
            seen += 1
            if seen > cap:
                raise CalendarError(f"more than {cap} events in the window")
            if time.monotonic() > give_up:
                raise CalendarError(_too_slow(seconds))
            first, last = _bounds(event)
            if first >= end:
                break
            if last <= start or last <= first or not is_busy(event):
                continue
            intervals.append((max(first, start), min(last, end)))
    except CalendarError:
        raise
    except Exception as error:  # a malformed rule or date deep in the library
        raise CalendarError(f"unreadable events ({type(error).__name__})") from error
    return merge(intervals)


def _too_slow(seconds: float) -> str:
    return f"took longer than the limit of {seconds:g} s to read"


def _expand_in_child(pipe, data, start, end, cap, seconds) -> None:
    try:
        pipe.send(("ok", _expand(data, start, end, cap, seconds)))
    except CalendarError as error:
        pipe.send(("error", error.reason))
    except Exception as error:  # never let the child die silently
        pipe.send(("error", f"unreadable events ({type(error).__name__})"))
    finally:
        pipe.close()


def busy_intervals(
    data: bytes, *, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The busy times between start and end, merged and sorted; CalendarError for
    a calendar that cannot be read, would expand past the cap, or takes longer
    than CALENDAR_PARSE_SECONDS. The reading runs in a forked process stopped at
    that limit: a rule the checks let through can still make the library loop
    without ever handing back an event, and the sync (or a staff member's "Read
    now") must never hang on it."""
    seconds = settings.CALENDAR_PARSE_SECONDS
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_expand_in_child,
        args=(sender, data, start, end, settings.CALENDAR_MAX_OCCURRENCES, seconds),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        # A little over the limit (a quarter, at most a second): the child checks
        # it itself between events and says so; this is for a child that cannot.
        if not receiver.poll(seconds + min(1.0, seconds / 4)):
            raise CalendarError(_too_slow(seconds))
        try:
            outcome, value = receiver.recv()
        except EOFError as error:
            raise CalendarError("the reader stopped") from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome != "ok":
        raise CalendarError(value)
    return value


def merge(intervals):
    """Overlapping or touching intervals joined, sorted."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged
