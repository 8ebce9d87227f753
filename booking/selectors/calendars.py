"""Calendars: conflicts between busy times and bookings, and the events of a feed given
out."""

import datetime as dt

from django.db.models import (
    Exists,
    OuterRef,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

from booking.models import (
    Booking,
    BusyTime,
    CalendarFeed,
    Slot,
)
from booking.selectors.book import shown_bookings


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
    ).prefetch_related(shown_bookings())
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
