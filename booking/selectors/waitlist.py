"""The waiting list: an entry, the offers open to it, and the counts staff see."""

from django.db.models import (
    Count,
    Q,
)
from django.utils import timezone

from booking.models import (
    ClinicBookingPolicy,
    Slot,
    WaitlistEntry,
)
from clinics.hours import OSLO


def waitlist_entry_get(*, entry_id: int) -> WaitlistEntry | None:
    return (
        WaitlistEntry.objects.select_related(
            "clinic__booking_policy", "practitioner", "appointment_type"
        )
        .filter(pk=entry_id)
        .first()
    )


def waitlist_offers_open(*, entry: WaitlistEntry, now=None) -> list[Slot]:
    """The times offered to the entry that can still be booked online, soonest
    first."""
    now = now or timezone.now()
    policy = ClinicBookingPolicy.for_clinic(entry.clinic)
    return list(
        Slot.objects.bookable_online(policy=policy, now=now)
        .filter(pk__in=entry.offers.values("slot_id"))
        .select_related("practitioner")
        .order_by("starts_at")
    )


def waitlist_counts(*, clinic_ids=None) -> list[dict]:
    """Per clinic: confirmed entries still waiting, and sign-ups not yet
    confirmed (for staff; no one's details)."""
    today = timezone.localtime(timezone.now(), OSLO).date()
    entries = WaitlistEntry.objects.filter(latest_date__gte=today)
    if clinic_ids is not None:
        entries = entries.filter(clinic_id__in=clinic_ids)
    return list(
        entries.values("clinic__name")
        .annotate(
            waiting=Count("pk", filter=Q(confirmed_at__isnull=False)),
            unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
        )
        .order_by("clinic__name")
    )


# An outbox with more unsent e-mails than this, or one waiting longer, is unhealthy.
