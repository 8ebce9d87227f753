"""Reads for the booking pages."""

import datetime as dt
from collections import defaultdict

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from booking.models import (
    AppointmentType,
    Booking,
    BookingEmail,
    ClinicBookingPolicy,
    Slot,
)
from clinics.hours import OSLO
from clinics.models import Clinic


def appointment_types_for(*, professions) -> list[AppointmentType]:
    """Active appointment types offered by at least one of the professions."""
    wanted = set(professions)
    return [
        kind
        for kind in AppointmentType.objects.filter(is_active=True)
        if wanted & set(kind.professions)
    ]


def slot_list_open(
    *,
    clinic: Clinic,
    start: dt.datetime,
    end: dt.datetime,
    appointment_type: AppointmentType | None = None,
    profession: str = "",
    practitioner_id: int | None = None,
    now: dt.datetime | None = None,
):
    """Open slots a patient may book online at `clinic` between start and end, inside
    the clinic's notice and horizon, filtered as asked: a queryset (one query)."""
    policy = ClinicBookingPolicy.for_clinic(clinic)
    slots = (
        Slot.objects.bookable_online(policy=policy, now=now)
        .filter(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
        .select_related("practitioner")
        .order_by("starts_at", "practitioner__name")
    )
    if practitioner_id:
        slots = slots.filter(practitioner_id=practitioner_id)
    if profession:
        slots = slots.filter(practitioner__profession=profession)
    if appointment_type is not None:
        slots = slots.fitting(appointment_type)
    return slots


def slots_by_day(slots) -> list[dict]:
    """[{"day": date, "slots": [...]}, ...] in Oslo dates."""
    days = defaultdict(list)
    for slot in slots:
        days[timezone.localtime(slot.starts_at, OSLO).date()].append(slot)
    return [{"day": day, "slots": days[day]} for day in sorted(days)]


def next_open_slot_by_clinic(*, clinics, now=None) -> dict[int, dt.datetime]:
    """The first bookable start per clinic id: one query per distinct booking policy
    (usually one in all).

    A subquery per clinic that walks the (clinic, starts_at) index from the earliest
    allowed start and stops at the first open slot, rather than grouping every slot
    of every clinic: the time stays flat as the weeks of slots grow."""
    now = now or timezone.now()
    ids = [clinic.pk for clinic in clinics]
    policies = {
        p.clinic_id: p for p in ClinicBookingPolicy.objects.filter(clinic__in=ids)
    }
    groups = defaultdict(list)
    for clinic_id in ids:
        policy = policies.get(clinic_id) or ClinicBookingPolicy(clinic_id=clinic_id)
        if policy.online_booking:
            groups[(policy.min_notice_hours, policy.max_days_ahead)].append(policy)
    result: dict[int, dt.datetime] = {}
    for same_window in groups.values():
        clinic_ids = [policy.clinic_id for policy in same_window]
        first = (
            Slot.objects.bookable_online(policy=same_window[0], now=now)
            .filter(clinic_id=OuterRef("pk"))
            .order_by("starts_at")
            .values("starts_at")[:1]
        )
        rows = (
            Clinic.objects.filter(pk__in=clinic_ids)
            .annotate(first=Subquery(first))
            .filter(first__isnull=False)
            .values_list("pk", "first")
        )
        result.update(rows)
    return result


def clinics_annotate_next_open(*, clinics, now=None) -> list:
    """The clinics, each with `next_open`: its first time bookable online, or None.
    The finder, the clinic page, the article and the booking pages show it."""
    clinics = list(clinics)
    first = next_open_slot_by_clinic(clinics=clinics, now=now)
    for clinic in clinics:
        clinic.next_open = first.get(clinic.pk)
    return clinics


def booking_get_for_patient(*, booking_id: int):
    return (
        Booking.objects.select_related(
            "slot__clinic__booking_policy", "slot__practitioner", "appointment_type"
        )
        .filter(pk=booking_id)
        .first()
    )


# An outbox with more unsent e-mails than this, or one waiting longer, is unhealthy.
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
