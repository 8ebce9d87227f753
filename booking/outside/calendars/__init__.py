"""Practitioners' own calendars (issue 20), an outside service: fetching an
iCalendar address safely (fetch), reading the busy times out of it (read), and the
feeds given out (feeds). `booking.outside.calendars.X` names each."""

from booking.outside.calendars.feeds import (
    FEED_EVENT_FIELDS,
    feed_ical,
)
from booking.outside.calendars.fetch import (
    CHUNK,
    MAX_REDIRECTS,
    REFUSED_V6,
    CalendarError,
    Fetched,
    allowed_addresses,
    calendar_fetch,
    normalise_calendar_url,
    public_address,
)
from booking.outside.calendars.read import (
    FREQUENCIES,
    OWN_UID_SUFFIX,
    TOO_FREQUENT,
    busy_intervals,
    is_busy,
    merge,
)

__all__ = [
    "CHUNK",
    "FEED_EVENT_FIELDS",
    "FREQUENCIES",
    "MAX_REDIRECTS",
    "OWN_UID_SUFFIX",
    "REFUSED_V6",
    "TOO_FREQUENT",
    "CalendarError",
    "Fetched",
    "allowed_addresses",
    "busy_intervals",
    "calendar_fetch",
    "feed_ical",
    "is_busy",
    "merge",
    "normalise_calendar_url",
    "public_address",
]
