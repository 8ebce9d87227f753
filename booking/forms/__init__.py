"""The booking forms, in modules by job: the day view's filters, the booking
form, the waiting list's; what they share in fields.py."""

from booking.forms.book import BookingForm
from booking.forms.day_view import SlotFilterForm
from booking.forms.fields import (
    INVISIBLE_CATEGORIES,
    choice_field,
    new_patient_from,
    new_patient_value,
    person_name,
    privacy_label,
)
from booking.forms.waitlist import (
    WaitlistCodeForm,
    WaitlistForm,
)

__all__ = [
    "INVISIBLE_CATEGORIES",
    "BookingForm",
    "SlotFilterForm",
    "WaitlistCodeForm",
    "WaitlistForm",
    "choice_field",
    "new_patient_from",
    "new_patient_value",
    "person_name",
    "privacy_label",
]
