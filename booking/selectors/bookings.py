"""A booking as its patient's link opens it, and the e-mail outbox's health."""

import datetime as dt

from django.utils import timezone

from booking.models import (
    Booking,
    BookingEmail,
)


def booking_get_for_patient(*, booking_id: int):
    return (
        Booking.objects.select_related(
            "slot__clinic__booking_policy", "slot__practitioner", "appointment_type"
        )
        .filter(pk=booking_id)
        .first()
    )


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


def patients_by_phone(*, clinic_id: int, phone: str) -> list[Booking]:
    """The patients of a clinic's kept bookings with this phone number (E.164,
    exact), one booking each (their latest: name and e-mail as last given); a
    cancelled booking has no details left and is not among them."""
    seen = set()
    found = []
    for booking in (
        Booking.objects.filter(slot__clinic_id=clinic_id, phone=phone)
        .exclude(name="")
        .select_related("slot")
        .order_by("-starts_at", "-pk")
    ):
        who = (booking.name.casefold(), booking.email.casefold())
        if who not in seen:
            seen.add(who)
            found.append(booking)
    return found
