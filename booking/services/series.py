"""A course of treatment booked at once by reception: the same practitioner,
weekday and time every week or every second week. Each time is booked on its own
(booking_create: its own lock and the same rules as one booking), so a time taken
meanwhile is reported and the rest are booked; the patient gets one message
listing them all."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from booking.models import Booking, BookingEmail, BookingSms, Slot
from booking.services.bookings import booking_create
from booking.services.errors import BookingError
from booking.services.outbox import email_queue, send_queued, sms_queue
from clinics.hours import OSLO, local_instant

SERIES_STATES = ("free", "taken", "blocked", "short", "outside")


@dataclass
class SeriesTime:
    """One week of a course: when, the slot there (if any) and what it is."""

    starts_at: dt.datetime | None
    slot: Slot | None
    state: str  # one of SERIES_STATES


def series_times(*, booking: Booking, every_weeks: int, count: int, now=None):
    """The `count` times after `booking`, `every_weeks` apart, at its weekday and
    wall-clock time (Oslo) with its practitioner: each free (open, long enough for
    its type), taken, blocked, too short, or outside the schedule (no time
    there). Two queries."""
    now = now or timezone.now()
    local = timezone.localtime(booking.slot.starts_at, OSLO)
    wanted = []
    for n in range(1, count + 1):
        day = local.date() + dt.timedelta(weeks=every_weeks * n)
        wanted.append(local_instant(day, local.time().replace(tzinfo=None)))
    slots = {
        slot.starts_at: slot
        for slot in Slot.objects.filter(
            practitioner_id=booking.slot.practitioner_id,
            starts_at__in=[w for w in wanted if w is not None],
        )
        .select_related("practitioner", "clinic")
        .prefetch_related("bookings")
    }
    times = []
    for starts_at in wanted:
        slot = slots.get(starts_at) if starts_at else None
        if slot is None or slot.starts_at <= now:
            state = "outside"
        elif any(b.status in Booking.ACTIVE_STATUSES for b in slot.bookings.all()):
            state = "taken"
        elif slot.is_withdrawn or not slot.practitioner.is_active:
            state = "blocked"
        elif not booking.appointment_type.fits_in(slot):
            state = "short"
        else:
            state = "free"
        times.append(SeriesTime(starts_at=starts_at, slot=slot, state=state))
    return times


def booking_series_create(*, booking: Booking, slot_ids, now=None):
    """Book the patient of `booking` into each of `slot_ids` (times of its
    practitioner), each by booking_create under its own lock, by phone (so the
    patient's own online limit is not used up), without a message each; then one
    e-mail and one SMS list every time booked. Returns (booked, refused): the
    bookings made, and (slot id, message) for each time that could not be."""
    series = booking.series or secrets.token_hex(8)
    if not booking.series:
        Booking.objects.filter(pk=booking.pk).update(series=series)
    booked, refused = [], []
    for slot_id in slot_ids:
        try:
            booked.append(
                booking_create(
                    slot_id=slot_id,
                    appointment_type=booking.appointment_type,
                    name=booking.name,
                    phone=booking.phone,
                    email=booking.email,
                    is_new_patient=False,
                    privacy_notice_read=booking.privacy_notice_read,
                    channel=Booking.Channel.PHONE,
                    series=series,
                    notify=False,
                    now=now,
                )
            )
        except BookingError as error:
            refused.append((slot_id, error.message))
    if booked:
        first = min(booked, key=lambda b: b.slot.starts_at)
        with transaction.atomic():
            emails = [email_queue(first, BookingEmail.Kind.SERIES)]
            texts = [sms_queue(first, BookingSms.Kind.SERIES, claimed=True)]
            transaction.on_commit(
                lambda: send_queued([e for e in emails if e is not None], texts)
            )
    return booked, refused
