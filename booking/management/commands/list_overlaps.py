from django.core.management.base import BaseCommand

from booking.models import Booking, Slot, WeeklySchedule


class Command(BaseCommand):
    """List what puts one practitioner in two places: overlapping weekly schedules,
    slots that are not withdrawn, and active bookings. Prints ids and times only,
    never patient data. Run it before the migration that adds the database's own
    guard (it refuses to run while any overlap exists), and fix each pair in the
    admin: change a schedule, withdraw a slot, move or cancel a booking."""

    help = "List overlapping schedules, slots and bookings of one practitioner."

    def handle(self, *args, **options):
        schedules = WeeklySchedule.objects.all()
        schedule_pairs = [
            (a, b)
            for a in schedules.select_related("practitioner")
            for b in a.overlapping().filter(pk__gt=a.pk)
        ]
        self.stdout.write(f"{len(schedule_pairs)} overlapping weekly schedule pair(s)")
        for a, b in schedule_pairs:
            self.stdout.write(f"  {a.practitioner.name}: schedule {a.pk} and {b.pk}")

        slot_pairs = overlapping_pairs(
            Slot.objects.filter(is_withdrawn=False).select_related("practitioner")
        )
        self.stdout.write(f"{len(slot_pairs)} overlapping slot pair(s)")
        for a, b in slot_pairs:
            self.stdout.write(
                f"  {a.practitioner.name}: slot {a.pk} ({a.starts_at:%Y-%m-%d %H:%M}"
                f" UTC) and slot {b.pk}"
            )
        bookings = Booking.objects.filter(
            status__in=Booking.ACTIVE_STATUSES
        ).select_related("slot__practitioner")
        booked = [booking.slot for booking in bookings]
        booking_pairs = overlapping_pairs(booked)
        self.stdout.write(f"{len(booking_pairs)} overlapping booking pair(s)")
        for a, b in booking_pairs:
            self.stdout.write(
                f"  {a.practitioner.name}: bookings in slot {a.pk} and slot {b.pk}"
            )


def overlapping_pairs(slots):
    """Pairs of slots of one practitioner whose times overlap (sorted sweep)."""
    by_practitioner = {}
    for slot in slots:
        by_practitioner.setdefault(slot.practitioner_id, []).append(slot)
    pairs = []
    for own in by_practitioner.values():
        own.sort(key=lambda slot: (slot.starts_at, slot.pk))
        open_slots = []
        for slot in own:
            open_slots = [
                other for other in open_slots if other.ends_at > slot.starts_at
            ]
            pairs.extend((other, slot) for other in open_slots)
            open_slots.append(slot)
    return pairs
