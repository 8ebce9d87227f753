"""The booking pages, in modules by job: finding a time (soonest near a search:
soonest; a clinic's day view: public), booking it (book, and its confirmation), a
patient's own booking (manage), the waiting list, calendar feeds. booking/urls.py
names each view here."""

from booking.views.book import (
    SlotBookView,
    refusal_page,
    unavailable_page,
)
from booking.views.confirmation import ConfirmationView
from booking.views.feeds import calendar_feed
from booking.views.manage import (
    CancelView,
    ChangeConfirmView,
    ChangeTimesView,
    manage_page,
)
from booking.views.public import (
    NO_CHOICE,
    WINDOW_MAX,
    ClinicSlotsView,
    DayViewFacts,
    day_view_context,
    fallback_context,
)
from booking.views.soonest import SOONEST_CLINICS, SOONEST_TIMES, BookingStartView
from booking.views.waitlist import (
    WaitlistEntryView,
    WaitlistJoinView,
)

__all__ = [
    "NO_CHOICE",
    "SOONEST_CLINICS",
    "SOONEST_TIMES",
    "WINDOW_MAX",
    "BookingStartView",
    "CancelView",
    "ChangeConfirmView",
    "ChangeTimesView",
    "ClinicSlotsView",
    "ConfirmationView",
    "DayViewFacts",
    "SlotBookView",
    "WaitlistEntryView",
    "WaitlistJoinView",
    "calendar_feed",
    "day_view_context",
    "fallback_context",
    "manage_page",
    "refusal_page",
    "unavailable_page",
]
