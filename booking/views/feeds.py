"""Calendar feeds given out: a practitioner's or a clinic's bookings as iCalendar,
behind a secret address."""

from django.http import Http404, HttpResponse

from booking.models import (
    CalendarFeed,
    CalendarFeedFetch,
)
from booking.outside.calendars import feed_ical
from booking.selectors import calendar_feed_events


def calendar_feed(request, token):
    """A private feed (a long random address, no login): the bookings and blocked
    times of a practitioner or a clinic. Each fetch is counted; never cached."""
    feed = (
        CalendarFeed.objects.select_related("practitioner", "clinic")
        .filter(token=token)
        .first()
    )
    if feed is None:
        raise Http404("No such feed")
    CalendarFeedFetch.objects.create(feed=feed)
    body = feed_ical(
        calendar_feed_events(feed=feed),
        name=f"NEMUS: {feed.practitioner or feed.clinic}",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
