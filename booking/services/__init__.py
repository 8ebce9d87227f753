"""Every write with rules in booking, in modules by job (the way pretix keeps its
one large app's services in `pretix/base/services/`): slots, bookings, the outbox
of e-mails and SMS, the waiting list, calendars. Views, admin actions and
management commands all come through here; `booking.services.X` names each.

Which way they call: errors and patients call nothing; outbox the patients;
waitlist the outbox; slots and bookings the waiting list (a freed time is
offered), bookings the outbox (queued in their transaction); calendars the
waiting list."""

from booking.services.bookings import (
    booking_accesses_purge,
    booking_cancel,
    booking_change,
    booking_create,
    booking_move,
    bookings_purge,
)
from booking.services.calendars import (
    busy_calendar_sync,
    busy_calendars_sync,
    calendar_feed_fetches_purge,
    calendar_feed_rotate,
)
from booking.services.errors import (
    BookingError,
    CancelTooLate,
    ChangeTooLate,
    NoTypeForPatient,
    SlotChanged,
    SlotTaken,
    SlotUnavailable,
    TooManyBookings,
    TypeNotForPatient,
    WaitlistError,
)
from booking.services.marks import booking_mark, booking_unmark
from booking.services.outbox import (
    SMS_CLAIM_LIFETIME,
    SMS_MAX_ATTEMPTS,
    email_queue,
    emails_send,
    reminders_queue,
    sms_queue,
    sms_reminders_queue,
    sms_send,
)
from booking.services.patients import (
    is_mobile,
    normalise_mobile,
    normalise_phone,
)
from booking.services.series import (
    SeriesTime,
    booking_series_create,
    series_times,
)
from booking.services.slots import (
    LONGEST_SLOT,
    slot_set_withdrawn,
    slots_generate,
)
from booking.services.waitlist import (
    WAITLIST_CODE_ATTEMPTS,
    mailbox,
    normalise_norwegian_mobile,
    waitlist_code,
    waitlist_confirm,
    waitlist_join,
    waitlist_messages_send,
    waitlist_offers_make,
    waitlist_purge,
    waitlist_quiet,
    waitlist_remove,
    waitlist_slots_opened,
)
from booking.services.waitlist_match import (
    waitlist_choices_check,
    waitlist_matching,
)

__all__ = [
    "LONGEST_SLOT",
    "SMS_CLAIM_LIFETIME",
    "SMS_MAX_ATTEMPTS",
    "WAITLIST_CODE_ATTEMPTS",
    "BookingError",
    "CancelTooLate",
    "ChangeTooLate",
    "NoTypeForPatient",
    "SeriesTime",
    "SlotChanged",
    "SlotTaken",
    "SlotUnavailable",
    "TooManyBookings",
    "TypeNotForPatient",
    "WaitlistError",
    "booking_accesses_purge",
    "booking_cancel",
    "booking_change",
    "booking_create",
    "booking_mark",
    "booking_move",
    "booking_series_create",
    "booking_unmark",
    "bookings_purge",
    "busy_calendar_sync",
    "busy_calendars_sync",
    "calendar_feed_fetches_purge",
    "calendar_feed_rotate",
    "email_queue",
    "emails_send",
    "is_mobile",
    "mailbox",
    "normalise_mobile",
    "normalise_norwegian_mobile",
    "normalise_phone",
    "reminders_queue",
    "series_times",
    "slot_set_withdrawn",
    "slots_generate",
    "sms_queue",
    "sms_reminders_queue",
    "sms_send",
    "waitlist_choices_check",
    "waitlist_code",
    "waitlist_confirm",
    "waitlist_join",
    "waitlist_matching",
    "waitlist_messages_send",
    "waitlist_offers_make",
    "waitlist_purge",
    "waitlist_quiet",
    "waitlist_remove",
    "waitlist_slots_opened",
]
