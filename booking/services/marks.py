"""Reception's marks on a booking whose time has come: attended or not attended,
and undoing a mark made by mistake (the appointment book's undo)."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Booking
from booking.services.errors import BookingError, SlotChanged
from clinics.hours import OSLO

logger = logging.getLogger(__name__)


def booking_mark(*, booking_id: int, status: str, now=None) -> Booking:
    """Reception marks a confirmed booking attended (from its day on) or not
    attended (once its time has begun); SlotChanged when it is no longer
    confirmed (someone marked, moved or cancelled it first)."""
    now = now or timezone.now()
    if status not in (Booking.Status.ATTENDED, Booking.Status.NO_SHOW):
        raise ValueError(status)
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).get(pk=booking_id)
        if booking.status != Booking.Status.CONFIRMED:
            raise SlotChanged()
        starts_at = booking.starts_at or booking.slot.starts_at
        if status == Booking.Status.NO_SHOW and starts_at > now:
            raise BookingError(
                _("A patient can be marked absent once the appointment has begun.")
            )
        day = timezone.localtime(starts_at, OSLO).date()
        if (
            status == Booking.Status.ATTENDED
            and timezone.localtime(now, OSLO).date() < day
        ):
            raise BookingError(_("A patient can be marked attended on the day."))
        booking.status = status
        booking.save(update_fields=["status"])
    logger.info("booking marked: booking=%s status=%s", booking.pk, status)
    return booking


def booking_unmark(*, booking_id: int, marked: str) -> Booking:
    """Undo reception's mark: a booking marked `marked` (attended or not attended)
    is confirmed again; SlotChanged when it is no longer so marked (someone acted
    first)."""
    if marked not in (Booking.Status.ATTENDED, Booking.Status.NO_SHOW):
        raise ValueError(marked)
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).get(pk=booking_id)
        if booking.status != marked:
            raise SlotChanged()
        booking.status = Booking.Status.CONFIRMED
        try:
            with transaction.atomic():
                booking.save(update_fields=["status"])
        except IntegrityError as error:  # the time was booked again meanwhile
            raise SlotChanged() from error
    logger.info("booking mark undone: booking=%s", booking.pk)
    return booking
