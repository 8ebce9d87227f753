"""Reads for the booking pages, in modules by job: what a patient can book
(open_times, day_view), bookings, the waiting list, the staff appointment book,
calendars. `booking.selectors.X` names each."""

from booking.selectors.book import (
    STATE_LABELS,
    AppointmentBook,
    BookCell,
    BookColumn,
    appointment_book_get,
    book_cell_get,
    book_state,
)
from booking.selectors.bookings import (
    OUTBOX_MAX_BACKLOG,
    OUTBOX_MAX_WAIT,
    booking_get_for_patient,
    email_outbox_health,
)
from booking.selectors.calendars import (
    calendar_conflicts,
    calendar_feed_events,
)
from booking.selectors.day_view import (
    DAY_COUNTS,
    DAY_TIMES,
    FIRST_START,
    STRIP_DAYS,
    DayIndex,
    OpenTime,
    SlotDay,
    StripDay,
    local_midnight,
    slot_day_get,
)
from booking.selectors.open_times import (
    FIRST_OPEN,
    SOONEST_SPAN,
    FirstOpen,
    appointment_types_for,
    clinics_annotate_next_open,
    next_open_slot_by_clinic,
    open_filters,
    open_in_window,
    slot_list_open,
    slots_near,
    soonest_slots_by_clinic,
)
from booking.selectors.waitlist import (
    waitlist_counts,
    waitlist_entry_get,
    waitlist_offers_open,
)

__all__ = [
    "DAY_COUNTS",
    "DAY_TIMES",
    "FIRST_OPEN",
    "FIRST_START",
    "OUTBOX_MAX_BACKLOG",
    "OUTBOX_MAX_WAIT",
    "SOONEST_SPAN",
    "STATE_LABELS",
    "STRIP_DAYS",
    "AppointmentBook",
    "BookCell",
    "BookColumn",
    "DayIndex",
    "FirstOpen",
    "OpenTime",
    "SlotDay",
    "StripDay",
    "appointment_book_get",
    "appointment_types_for",
    "book_cell_get",
    "book_state",
    "booking_get_for_patient",
    "calendar_conflicts",
    "calendar_feed_events",
    "clinics_annotate_next_open",
    "email_outbox_health",
    "local_midnight",
    "next_open_slot_by_clinic",
    "open_filters",
    "open_in_window",
    "slot_day_get",
    "slot_list_open",
    "slots_near",
    "soonest_slots_by_clinic",
    "waitlist_counts",
    "waitlist_entry_get",
    "waitlist_offers_open",
]
