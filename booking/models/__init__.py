"""The booking app's models, in modules by job (the way pretix keeps its one
large app's models in `pretix/base/models/`); imported here so that
`booking.models.X` keeps working for the app, its migrations and the rest of the
site. The app label and the tables are the same as when this was one module."""

from booking.models.bookings import (
    ACTIVE_STATUSES,
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    SHOWN_STATUSES,
    Booking,
    BookingStatus,
    new_booking_reference,
    new_row_key,
    row_key_field,
)
from booking.models.calendars import (
    BusyCalendar,
    BusyTime,
    CalendarFeed,
    CalendarFeedFetch,
    new_feed_token,
)
from booking.models.outbox import (
    BookingEmail,
    BookingMessage,
    BookingSms,
    SmsMessage,
)
from booking.models.prices import (
    ClinicPrice,
    DirectSettlement,
    HelfoRate,
)
from booking.models.schedules import (
    AppointmentType,
    ClinicBookingPolicy,
    ScheduleException,
    WeeklySchedule,
)
from booking.models.slots import (
    Slot,
    SlotQuerySet,
    WithdrawnBy,
)
from booking.models.staff import (
    BookingAccess,
    ClinicStaff,
)
from booking.models.waitlist import (
    TimeOfDay,
    WaitlistEntry,
    WaitlistMessage,
    WaitlistOffer,
    WaitlistOpening,
)

__all__ = [
    "ACTIVE_STATUSES",
    "REFERENCE_ALPHABET",
    "REFERENCE_LENGTH",
    "SHOWN_STATUSES",
    "AppointmentType",
    "Booking",
    "BookingAccess",
    "BookingEmail",
    "BookingMessage",
    "BookingSms",
    "BookingStatus",
    "BusyCalendar",
    "BusyTime",
    "CalendarFeed",
    "CalendarFeedFetch",
    "ClinicBookingPolicy",
    "ClinicPrice",
    "ClinicStaff",
    "DirectSettlement",
    "HelfoRate",
    "ScheduleException",
    "Slot",
    "SlotQuerySet",
    "SmsMessage",
    "TimeOfDay",
    "WaitlistEntry",
    "WaitlistMessage",
    "WaitlistOffer",
    "WaitlistOpening",
    "WeeklySchedule",
    "WithdrawnBy",
    "new_booking_reference",
    "new_feed_token",
    "new_row_key",
    "row_key_field",
]
