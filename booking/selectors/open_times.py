"""What a patient can book: the open slots of a clinic's online window and the
patient's filters, each clinic's next open time, the soonest times near a search."""

import datetime as dt
from collections import Counter, defaultdict
from typing import NamedTuple

from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import DenseRank
from django.utils import timezone

from booking.models import (
    AppointmentType,
    ClinicBookingPolicy,
    ClinicPrice,
    Slot,
)
from clinics.hours import OSLO
from clinics.models import Clinic
from nemus_site.compiled import CompiledQuery


def appointment_types_for(*, professions, clinic=None) -> list[AppointmentType]:
    """Active appointment types offered by at least one of the professions, with
    `clinic`'s own prices when given (AppointmentType.price): one query."""
    wanted = set(professions)
    types = AppointmentType.objects.filter(is_active=True)
    if clinic is not None:
        types = types.annotate(
            clinic_price=Subquery(
                ClinicPrice.objects.filter(
                    clinic=clinic, appointment_type=OuterRef("pk")
                ).values("price_nok")[:1]
            ),
            # Whose price `clinic_price` is (Booking.price trusts it for that clinic).
            price_clinic_id=Value(clinic.pk, output_field=IntegerField()),
        )
    return [kind for kind in types if wanted & set(kind.professions)]


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
    now = now or timezone.now()
    if not policy.online_booking:
        return Slot.objects.none()
    earliest, latest = policy.window(now)
    return (
        open_in_window(
            clinic_id=clinic.pk,
            now=now,
            earliest=earliest,
            latest=latest,
            start=start,
            end=end,
            **open_filters(
                appointment_type=appointment_type,
                profession=profession,
                practitioner_id=practitioner_id,
            ),
        )
        .select_related("practitioner")
        .order_by("starts_at", "practitioner__name")
    )


# A time someone else took first: the times offered instead lie on its day and the
# next two.
NEAR_DAYS = 3
# At most this many open times are weighed (the nearest of them are shown).
NEAR_LOOKED_AT = 300


def slots_near(*, slot: Slot, appointment_type=None, per_group: int = 6, now=None):
    """Open times near `slot` (taken by someone else first), each where
    `appointment_type` fits when given: (the same practitioner's, the others'),
    each at most `per_group`, the nearest to it in time, in time order. From the
    start of its day (Oslo) to the end of the second day after; one query."""
    day = timezone.localtime(slot.starts_at, OSLO).date()
    candidates = list(
        slot_list_open(
            clinic=slot.clinic,
            # Midnight is never skipped in Oslo.
            start=dt.datetime.combine(day, dt.time(0, 0), tzinfo=OSLO),
            end=dt.datetime.combine(
                day + dt.timedelta(days=NEAR_DAYS), dt.time(0, 0), tzinfo=OSLO
            ),
            appointment_type=appointment_type,
            now=now,
        ).exclude(pk=slot.pk)[:NEAR_LOOKED_AT]
    )

    def nearest(slots):
        slots = sorted(slots, key=lambda s: abs(s.starts_at - slot.starts_at))
        return sorted(slots[:per_group], key=lambda s: (s.starts_at, s.pk))

    same = [s for s in candidates if s.practitioner_id == slot.practitioner_id]
    others = [s for s in candidates if s.practitioner_id != slot.practitioner_id]
    return nearest(same), nearest(others)


def open_filters(
    *,
    appointment_type: AppointmentType | None = None,
    profession: str = "",
    practitioner_id: int | None = None,
) -> dict:
    """A patient's choices as the values open_in_window takes (each a value a
    compiled query can take: ids, strings, a list of strings, a length)."""
    values: dict[str, object] = {
        "practitioner_id": practitioner_id or None,
        "profession": profession,
        "professions": None,
        "length": None,
    }
    if appointment_type is not None:
        values["professions"] = list(appointment_type.professions)
        values["length"] = dt.timedelta(minutes=appointment_type.duration_minutes)
    return values


def open_in_window(
    *,
    clinic_id,
    now,
    earliest,
    latest,
    start,
    end,
    practitioner_id=None,
    profession="",
    professions=None,
    length=None,
):
    """A clinic's slots bookable at `now` in the online window [earliest, latest)
    (ClinicBookingPolicy.window), starting from `start` until `end`; of one
    practitioner, of one profession, or fitting an appointment type (its
    professions and length: open_filters) when given."""
    slots = Slot.objects.bookable_in(now=now, earliest=earliest, latest=latest).filter(
        clinic_id=clinic_id, starts_at__gte=start, starts_at__lt=end
    )
    if practitioner_id is not None:
        slots = slots.filter(practitioner_id=practitioner_id)
    if profession:
        slots = slots.filter(practitioner__profession=profession)
    if professions is not None:
        slots = slots.fitting_to(professions=professions, length=length)
    return slots


def _clinics_by_window(clinics) -> list[tuple[ClinicBookingPolicy, list[int]]]:
    """The clinics that book online, grouped by their online window (notice and
    horizon): [(a policy of the group, clinic ids)]. One query, none when the
    clinics come with their policies (select_related, as the finder's directory
    has them); usually one group."""
    clinics = list(clinics)
    if all(Clinic.booking_policy.is_cached(clinic) for clinic in clinics):
        policies = {
            clinic.pk: ClinicBookingPolicy.for_clinic(clinic) for clinic in clinics
        }
    else:
        policies = {
            p.clinic_id: p
            for p in ClinicBookingPolicy.objects.filter(
                clinic__in=[clinic.pk for clinic in clinics]
            )
        }
    groups: dict[tuple, list[ClinicBookingPolicy]] = defaultdict(list)
    for clinic in clinics:
        policy = policies.get(clinic.pk) or ClinicBookingPolicy(clinic_id=clinic.pk)
        if policy.online_booking:
            groups[(policy.min_notice_hours, policy.max_days_ahead)].append(policy)
    return [
        (same[0], [policy.clinic_id for policy in same]) for same in groups.values()
    ]


class FirstOpen(NamedTuple):
    """A clinic's first time bookable online: when, and the slot the booking form
    opens for it."""

    starts_at: dt.datetime
    slot_id: int


def next_open_slot_by_clinic(
    *, clinics, now=None, profession: str = "", appointment_type=None
) -> dict[int, FirstOpen]:
    """The first bookable time per clinic id (with a practitioner of `profession`
    when given, where `appointment_type` fits when given): one query per distinct
    booking policy (usually one in all).

    A subquery per clinic that walks the (clinic, starts_at) index from the earliest
    allowed start and stops at the first open slot, rather than grouping every slot
    of every clinic: the time stays flat as the weeks of slots grow."""
    now = now or timezone.now()
    groups = _clinics_by_window(clinics)
    return _first_open(
        groups, now=now, profession=profession, fitting=_fitting(appointment_type)
    )


def _fitting(appointment_type) -> dict | None:
    """What Slot.objects.fitting_to needs for an appointment type, or None."""
    if appointment_type is None:
        return None
    return {
        "professions": list(appointment_type.professions),
        "length": dt.timedelta(minutes=appointment_type.duration_minutes),
    }


def _first_open_query(*, now, earliest, latest, clinic_ids, profession, fitting=None):
    open_here = Slot.objects.bookable_in(
        now=now, earliest=earliest, latest=latest
    ).filter(clinic_id=OuterRef("pk"))
    if profession:
        open_here = open_here.filter(practitioner__profession=profession)
    if fitting:
        open_here = open_here.fitting_to(**fitting)
    first = open_here.order_by("starts_at", "pk")
    return (
        Clinic.objects.filter(pk__in=clinic_ids)
        .annotate(
            # The same walk twice, for the two columns of the same slot.
            first=Subquery(first.values("starts_at")[:1]),
            first_id=Subquery(first.values("pk")[:1]),
        )
        .order_by()
        .values_list("pk", "first", "first_id")
    )


# Built and compiled once per shape (nemus_site/compiled.py): the finder asks it on
# every rendering, and building it took twenty times as long as running it.
FIRST_OPEN = CompiledQuery(
    _first_open_query, model=Clinic, columns=["pk", "first", "first_id"]
)


def _first_open(groups, *, now, profession: str, fitting=None) -> dict[int, FirstOpen]:
    result: dict[int, FirstOpen] = {}
    for policy, clinic_ids in groups:
        earliest, latest = policy.window(now)
        arguments = {
            "now": now,
            "earliest": earliest,
            "latest": latest,
            "clinic_ids": list(clinic_ids),
            "profession": profession,
        }
        # Only for an appointment type (a new patient's): built by the ORM.
        rows = (
            _first_open_query(**arguments, fitting=fitting)
            if fitting
            else FIRST_OPEN.rows(**arguments)
        )
        # None filtered here: `first IS NOT NULL` in SQL ran the subquery twice.
        result.update(
            (pk, FirstOpen(first, slot_id))
            for pk, first, slot_id in rows
            if first is not None
        )
    return result


# The soonest list looks this far past each clinic's first open time for its next
# few: the window function then numbers a few days of slots, not the whole horizon.
SOONEST_SPAN = dt.timedelta(days=3)


def soonest_slots_by_clinic(
    *,
    clinics,
    per_clinic: int = 4,
    profession: str = "",
    appointment_type=None,
    now=None,
) -> dict[int, list]:
    """Each clinic's first `per_clinic` open times ({clinic id: [slots]}), at most one
    per start time, within SOONEST_SPAN of its first, spread across practitioners
    (at each time the one shown least so far, then by name); with
    `appointment_type`, only times it fits (a new patient's first consultation).
    The policies, then two queries per distinct booking window however many
    clinics, practitioners and slots there are (the first open time per clinic,
    then a window function that numbers each clinic's times there; only the slots
    at the first few times leave the database)."""
    now = now or timezone.now()
    fitting = _fitting(appointment_type)
    groups = _clinics_by_window(clinics)
    first = _first_open(groups, now=now, profession=profession, fitting=fitting)
    result: dict[int, list] = defaultdict(list)
    for policy, all_ids in groups:
        clinic_ids = [clinic_id for clinic_id in all_ids if clinic_id in first]
        if not clinic_ids:
            continue
        near = Q()
        for clinic_id in clinic_ids:
            near |= Q(
                clinic_id=clinic_id,
                starts_at__lt=first[clinic_id].starts_at + SOONEST_SPAN,
            )
        slots = Slot.objects.bookable_online(policy=policy, now=now).filter(near)
        if profession:
            slots = slots.filter(practitioner__profession=profession)
        if fitting:
            slots = slots.fitting_to(**fitting)
        ranked = (
            slots.annotate(
                # The n-th distinct start time of its clinic, with every
                # practitioner free then.
                rank=Window(
                    DenseRank(),
                    partition_by=[F("clinic_id")],
                    order_by=[F("starts_at").asc()],
                ),
            )
            .filter(rank__lte=per_clinic)
            .select_related("practitioner")
            .order_by("clinic_id", "starts_at", "practitioner__name", "pk")
        )
        at_times: dict[int, dict] = defaultdict(dict)
        for slot in ranked:
            at_times[slot.clinic_id].setdefault(slot.starts_at, []).append(slot)
        for clinic_id, times in at_times.items():
            shown: Counter = Counter()
            for options in times.values():
                pick = min(options, key=lambda s: shown[s.practitioner_id])
                shown[pick.practitioner_id] += 1
                result[clinic_id].append(pick)
    return dict(result)


def clinics_open_to_new_patients(*, clinics, now=None) -> set[int]:
    """The ids of the clinics where a new patient can book online now: an open
    time in the booking window where a type meant for new patients fits. A query
    per such type and booking policy (usually one): whether such a time exists,
    one walk per clinic (not the first one's start and id, two walks)."""
    clinics = list(clinics)
    now = now or timezone.now()
    kinds = [
        kind
        for kind in AppointmentType.objects.filter(is_active=True)
        if kind.is_for(True)
    ]
    open_to_new: set[int] = set()
    for policy, clinic_ids in _clinics_by_window(clinics):
        earliest, latest = policy.window(now)
        for kind in kinds:
            fitting = (
                Slot.objects.bookable_in(now=now, earliest=earliest, latest=latest)
                .filter(clinic_id=OuterRef("pk"))
                .fitting_to(**_fitting(kind))
            )
            open_to_new |= set(
                Clinic.objects.filter(pk__in=clinic_ids)
                .exclude(pk__in=open_to_new)
                .filter(Exists(fitting))
                .values_list("pk", flat=True)
            )
    return open_to_new


def clinics_annotate_next_open(*, clinics, now=None, appointment_type=None) -> list:
    """The clinics, each with `next_open`: its first time bookable online (a
    FirstOpen; where `appointment_type` fits, when given), or None. The clinic
    page and the booking pages show it."""
    clinics = list(clinics)
    first = next_open_slot_by_clinic(
        clinics=clinics, now=now, appointment_type=appointment_type
    )
    for clinic in clinics:
        clinic.next_open = first.get(clinic.pk)
    return clinics
