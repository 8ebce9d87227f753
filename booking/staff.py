"""What the staff pages share: whose clinics a user sees, and the days they may ask
for (the admin's lists and the appointment book)."""

import datetime as dt

from django.utils import timezone


def staff_clinic_ids(user):
    """The clinics a staff user works at; None means all (superusers)."""
    if user.is_superuser:
        return None
    return set(user.clinic_memberships.values_list("clinic_id", flat=True))


def sees_patient_names(user, clinic_id) -> bool:
    """Whether the user sees patients' names in a clinic's appointment book: staff
    of that clinic only (a superuser who is not sees the book without them)."""
    return user.clinic_memberships.filter(clinic_id=clinic_id).exists()


# Days staff can ask for in filters and the day list: bookings are kept weeks, slots
# made months ahead; ten years either way is generous, and keeps date arithmetic
# (the next day, midnight in Oslo) far from the calendar's ends.
DAY_RANGE = dt.timedelta(days=3650)


def parse_day(value) -> dt.date | None:
    """An ISO date within DAY_RANGE of today, or None for anything else."""
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    today = timezone.localdate()
    return day if today - DAY_RANGE <= day <= today + DAY_RANGE else None
