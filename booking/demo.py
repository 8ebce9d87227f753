"""Demo schedules and slots for `manage.py seed_demo`."""

from django.db import transaction
from django.utils import timezone

from booking.models import ClinicBookingPolicy, WeeklySchedule
from booking.services import slots_generate


@transaction.atomic
def seed_booking(*, clinics) -> int:
    """Weekday schedules for every demo practitioner (one clinic without open times,
    to show the phone fallback) and slots for eight weeks from today."""
    for index, clinic in enumerate(clinics):
        ClinicBookingPolicy.objects.update_or_create(
            clinic=clinic,
            defaults={
                "online_booking": True,
                "min_notice_hours": 2,
                "max_days_ahead": 56,
                "cancel_cutoff_hours": 24,
            },
        )
        if index == len(clinics) - 1:
            continue  # the last demo clinic has no schedule: its page shows the phone
        # Bookable times fill the clinic's opening hours, the late day and a
        # Saturday included, so "open now" and the times agree.
        hours = {row.weekday: row for row in clinic.opening_hours.all()}
        for number, practitioner in enumerate(
            clinic.practitioners.filter(is_active=True)
        ):
            WeeklySchedule.objects.filter(practitioner=practitioner).delete()
            for weekday, row in hours.items():
                if weekday < 5 and (weekday + number) % 5 == 4:
                    continue  # each practitioner has a weekday off
                if weekday == 5 and number % 2:
                    continue  # half of them work the Saturday
                WeeklySchedule.objects.create(
                    practitioner=practitioner,
                    weekday=weekday,
                    starts=row.opens,
                    ends=row.closes,
                    slot_minutes=45 if number % 2 else 30,
                )
    return slots_generate(start=timezone.localdate(), days=56)
