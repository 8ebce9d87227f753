"""Slots: generated from the weekly schedules, withdrawn and reopened by staff."""

import bisect
import datetime as dt

from django.db import transaction

from booking.models import (
    Booking,
    ScheduleException,
    Slot,
    WaitlistEntry,
    WeeklySchedule,
)
from booking.services.errors import SlotChanged
from booking.services.waitlist import waitlist_slots_opened
from clinics.hours import local_instant
from nemus_site.page_cache import TIMES, public_pages_changed

# The longest a slot can be (WeeklySchedule's check constraint): how far back an
# interval that overlaps a new one can start.
LONGEST_SLOT = dt.timedelta(minutes=240)


class _Timeline:
    """One practitioner's taken intervals, sorted: does a new one overlap any?"""

    def __init__(self, intervals=()):
        self.intervals = sorted(intervals)

    def overlaps(self, starts_at, ends_at) -> bool:
        index = bisect.bisect_left(self.intervals, (ends_at,))
        # Every interval starting before the new one ends, back to the longest slot.
        for other_start, other_end in reversed(self.intervals[:index]):
            if other_start <= starts_at - LONGEST_SLOT:
                return False
            if other_end > starts_at:
                return True
        return False

    def add(self, starts_at, ends_at) -> None:
        bisect.insort(self.intervals, (starts_at, ends_at))


def slots_generate(*, start: dt.date, days: int, practitioners=None) -> int:
    """Create the slots of the weekly schedules for `days` days from `start`.

    Idempotent: existing slots are kept (one per practitioner and start), so it can
    run every night. Days a practitioner is away get no new slots, and their open
    slots are withdrawn. A slot that would overlap another of the practitioner's
    (from an overlapping schedule, or slots already there) is not made: one
    practitioner is never in two places. Returns how many slots were created.

    Three steps: plan (pure: _slots_planned), insert (and tell the waiting lists),
    withdraw the absent practitioners' open times.
    """
    chosen = WeeklySchedule.objects.select_related("practitioner").filter(
        practitioner__is_active=True
    )
    if practitioners is not None:
        chosen = chosen.filter(practitioner__in=practitioners)
    schedules = list(chosen)
    end = start + dt.timedelta(days=days - 1)
    absences: dict[int, list[ScheduleException]] = {}
    for absence in ScheduleException.objects.filter(
        starts_on__lte=end, ends_on__gte=start
    ):
        absences.setdefault(absence.practitioner_id, []).append(absence)
    people = {schedule.practitioner_id for schedule in schedules}

    # Read what exists and write in one transaction: an IMMEDIATE one on SQLite
    # (two runs at once queue), and PostgreSQL's exclusion constraint skips an
    # overlapping insert (ON CONFLICT DO NOTHING) that a concurrent run won.
    with transaction.atomic():
        # The practitioners' existing slots in the period (and a day either side).
        timelines: dict[int, _Timeline] = {}
        window = Slot.objects.filter(
            is_withdrawn=False,
            practitioner__in=people,
            starts_at__lt=local_instant(end + dt.timedelta(days=2), dt.time(0, 0)),
            ends_at__gt=local_instant(start - dt.timedelta(days=1), dt.time(0, 0)),
        ).values_list("practitioner_id", "starts_at", "ends_at")
        for practitioner_id, starts_at, ends_at in window:
            timelines.setdefault(practitioner_id, _Timeline()).add(starts_at, ends_at)
        new = _slots_planned(schedules, start, days, absences, timelines)
        created = _slots_inserted(new, people, start, end)
        _absent_withdrawn(absences)
        # Bulk writes send no signals: say so to the public page cache ourselves.
        public_pages_changed((TIMES,))
        transaction.on_commit(lambda: public_pages_changed((TIMES,)))
    return created


def _slots_planned(schedules, start, days, absences, timelines) -> list[Slot]:
    """The slots the schedules make on `days` days from `start`, none on a day its
    practitioner is away and none overlapping a time in `timelines` (the slots
    there already, and those planned here, which it is given)."""
    new = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        for schedule in schedules:
            if schedule.weekday != day.weekday() or any(
                absence.covers(day)
                for absence in absences.get(schedule.practitioner_id, [])
            ):
                continue
            length = dt.timedelta(minutes=schedule.slot_minutes)
            wall = dt.datetime.combine(day, schedule.starts)
            last = dt.datetime.combine(day, schedule.ends)
            timeline = timelines.setdefault(schedule.practitioner_id, _Timeline())
            while wall + length <= last:
                starts_at = local_instant(day, wall.time())
                if starts_at is not None and not timeline.overlaps(
                    starts_at, starts_at + length
                ):
                    timeline.add(starts_at, starts_at + length)
                    new.append(
                        Slot(
                            clinic_id=schedule.practitioner.clinic_id,
                            practitioner_id=schedule.practitioner_id,
                            starts_at=starts_at,
                            # A slot lasts its length in real time, even when the
                            # clocks change during it.
                            ends_at=starts_at + length,
                        )
                    )
                wall += length
    return new


def _slots_inserted(new: list[Slot], people, start, end) -> int:
    """Insert the planned slots (a concurrent run's are skipped) and offer the
    new ones to the waiting lists of their clinics: how many were made."""
    before = Slot.objects.count()
    # The waiting lists hear of new times too: the ids before, to tell them.
    period = Slot.objects.filter(
        practitioner__in=people,
        starts_at__gte=local_instant(start, dt.time(0, 0)),
        starts_at__lt=local_instant(end + dt.timedelta(days=1), dt.time(0, 0)),
    )
    waiting = WaitlistEntry.objects.filter(confirmed_at__isnull=False)
    period = period.filter(clinic__in=waiting.values("clinic_id"))
    existing = set(period.values_list("pk", flat=True))
    Slot.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    created = Slot.objects.count() - before
    if new and waiting.exists():
        waitlist_slots_opened(set(period.values_list("pk", flat=True)) - existing)
    return created


def _absent_withdrawn(absences) -> None:
    """Withdraw the open times of practitioners on the days they are away."""
    for practitioner_id, entries in absences.items():
        for absence in entries:
            first = local_instant(absence.starts_on, dt.time(0, 0))
            after = local_instant(absence.ends_on + dt.timedelta(days=1), dt.time(0, 0))
            Slot.objects.open().filter(
                practitioner_id=practitioner_id,
                starts_at__gte=first,
                starts_at__lt=after,
            ).update(is_withdrawn=True, withdrawn_by=Slot.WithdrawnBy.ABSENCE)


def slot_set_withdrawn(*, slot_id: int, withdrawn: bool, strict=False) -> Slot:
    """Withdraw a time from booking, or offer it again (staff); a time offered
    again goes to the waiting list like a cancelled one. `strict` (the appointment
    book): SlotChanged when the time is not as the page showed it, already so or
    booked meanwhile."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update(of=("self",)).get(pk=slot_id)
        if strict and (
            slot.is_withdrawn == withdrawn
            or slot.bookings.filter(status__in=Booking.ACTIVE_STATUSES).exists()
        ):
            raise SlotChanged()
        if slot.is_withdrawn == withdrawn:
            return slot
        slot.is_withdrawn = withdrawn
        slot.withdrawn_by = Slot.WithdrawnBy.STAFF if withdrawn else ""
        slot.full_clean()
        slot.save(update_fields=["is_withdrawn", "withdrawn_by"])
        if not withdrawn:
            waitlist_slots_opened([slot.pk])
    return slot
