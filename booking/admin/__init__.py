"""Staff's booking tools, in modules by job (registered as each is imported): the
times and what shapes them, the booking list, calendars, the waiting list, who
works where, and the appointment book (book.py, whose pages the booking list's
admin serves). A staff user who is not a superuser sees and changes only the
clinics they belong to (ClinicStaff); every opening of a booking is recorded."""

from booking.admin import (  # noqa: F401 (imported to register)
    bookings,
    calendars,
    prices,
    schedules,
    slots,
    staff,
    waitlist,
)
from booking.admin.bookings import MoveForm, PhoneBookingForm
from booking.admin.phone import PhonePatientForm
from booking.admin.slots import SlotChoiceField

__all__ = ["MoveForm", "PhoneBookingForm", "PhonePatientForm", "SlotChoiceField"]
