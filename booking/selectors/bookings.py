"""A booking as its patient's link opens it, the e-mail outbox's health, and the
reads booking_create makes inside its transaction, compiled once."""

import datetime as dt

from django.utils import timezone

from booking.models import (
    Booking,
    BookingEmail,
    WaitlistOffer,
)
from nemus_site.compiled import CompiledQuery

# What booking_create asks while it holds the write lock (on SQLite, every other
# writer waits meanwhile): built and compiled once per process (nemus_site/compiled.py)
# instead of by the ORM for every booking.
SLOT_TAKEN = CompiledQuery(
    lambda *, slot_id: Booking.objects.filter(
        slot_id=slot_id, status__in=Booking.ACTIVE_STATUSES
    ).values_list("pk")[:1],
    model=Booking,
    columns=["pk"],
)
WEB_BOOKINGS_AHEAD = CompiledQuery(
    lambda *, phone, now: Booking.objects.filter(
        phone=phone,
        channel=Booking.Channel.WEB,
        status=Booking.Status.CONFIRMED,
        slot__starts_at__gt=now,
    ).values_list("pk"),
    model=Booking,
    columns=["pk"],
)
REFERENCE_TAKEN = CompiledQuery(
    lambda *, reference: Booking.objects.filter(reference=reference).values_list("pk")[
        :1
    ],
    model=Booking,
    columns=["pk"],
)
SLOT_OFFERED = CompiledQuery(
    lambda *, slot_id: WaitlistOffer.objects.filter(slot_id=slot_id).values_list("pk")[
        :1
    ],
    model=WaitlistOffer,
    columns=["pk"],
)


def booking_get_for_patient(*, booking_id: int, clinic: bool = True):
    """The booking with its time, practitioner and type, and its clinic and policy
    unless `clinic` is off (the confirmation page has the clinic kept)."""
    related = ["slot__practitioner", "appointment_type"]
    if clinic:
        related.append("slot__clinic__booking_policy")
    return Booking.objects.select_related(*related).filter(pk=booking_id).first()


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
