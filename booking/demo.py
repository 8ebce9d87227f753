"""Demo schedules and slots for `manage.py seed_demo`."""

import datetime as dt

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
        for number, practitioner in enumerate(
            clinic.practitioners.filter(is_active=True)
        ):
            for weekday in range(5):
                if (weekday + number) % 5 == 4:
                    continue  # each practitioner has a day off
                WeeklySchedule.objects.update_or_create(
                    practitioner=practitioner,
                    weekday=weekday,
                    starts=dt.time(8, 30) if number % 2 else dt.time(8, 0),
                    defaults={
                        "ends": dt.time(15, 30),
                        "slot_minutes": 45 if number % 2 else 30,
                    },
                )
    return slots_generate(start=timezone.localdate(), days=56)
