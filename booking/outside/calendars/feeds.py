"""What a calendar feed given out may hold, and the feed itself as iCalendar."""

import datetime as dt

import icalendar

# Every field an outgoing event may have (the feed test holds them to it).
FEED_EVENT_FIELDS = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"}


def feed_ical(events: list[dict], *, name: str) -> bytes:
    """A private feed's calendar: per event its time, its kind and reference (in
    the summary), and nothing else."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//NEMUS//timebok//NO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", item["starts_at"].astimezone(dt.UTC))
        event.add("dtend", item["ends_at"].astimezone(dt.UTC))
        event.add("summary", item["summary"])
        calendar.add_component(event)
    return calendar.to_ical()
