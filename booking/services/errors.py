"""Why a booking service refused: errors the views and the admin show the patient
or staff."""

from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    """A booking that cannot be made or changed; `message` is for the patient, and
    `field` names what it is about (a form shows it there): "slot",
    "appointment_type", "phone", or None for the booking as a whole."""

    message = _("That appointment cannot be booked.")
    field: str | None = None

    def __init__(self, message=None, *, field=None):
        super().__init__(str(message or self.message))
        if message:
            self.message = message
        if field:
            self.field = field


class SlotTaken(BookingError):
    message = _("Someone else booked that appointment just before you.")
    field = "slot"


class SlotUnavailable(BookingError):
    message = _("That appointment can no longer be booked online.")
    field = "slot"


class TooManyBookings(BookingError):
    message = _(
        "This mobile number already has the most bookings we take online. "
        "Call the clinic to book more."
    )
    field = "phone"


class SlotChanged(BookingError):
    """The time is no longer as the page showed it: someone acted first."""

    message = _("Someone else changed this appointment just before you.")
    field = "slot"


class CancelTooLate(BookingError):
    message = _("It is too late to cancel online. Call the clinic.")


class ChangeTooLate(BookingError):
    message = _("It is too late to change the appointment online. Call the clinic.")


class TypeNotForPatient(BookingError):
    """A type meant for returning patients chosen by a new one, or the other way
    round (AppointmentType.audience)."""

    field = "appointment_type"

    def __init__(self, appointment_type, *, new_patient: bool):
        if new_patient:
            message = _(
                "%(type)s is for patients who have been to the clinic before. As a "
                "new patient, choose a first consultation."
            )
        else:
            message = _(
                "%(type)s is for new patients. Choose an appointment for returning "
                "patients."
            )
        super().__init__(message % {"type": appointment_type.name})


class NoTypeForPatient(BookingError):
    """None of the appointment types that fit this time is meant for the patient
    (a slot too short for a new patient's first consultation): another time."""

    field = "slot"

    def __init__(self, *, new_patient: bool):
        if new_patient:
            message = _(
                "This time is too short for the kind of appointment a new patient "
                "needs. Choose another time."
            )
        else:
            message = _("This time cannot be booked by a returning patient.")
        super().__init__(message)


class WaitlistError(BookingError):
    message = _("The waiting list could not take that. Call the clinic.")
