"""The privacy notice's facts (GDPR Article 13), generated from the settings the code
uses, so the notice cannot drift from what the site does. Staff write the prose on
/personvern/; this table goes under it. Later features add their own rows here."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# The rights that apply under each legal basis (Articles 15-22), as patients read them.
# Restriction (Article 18) applies under every basis.
RIGHTS = {
    "contract": _(
        "See, correct and get a copy of your information; have its use restricted "
        "while a correction or objection is checked; have it deleted by cancelling."
    ),
    "waitlist": _(
        "See, correct and get a copy of your information; have its use restricted; "
        "have it deleted by taking yourself off the list (a link in every message)."
    ),
    "legal_obligation": _(
        "See and correct your information, and have its use restricted while a "
        "correction is checked. It cannot be deleted while the law requires us to "
        "keep it."
    ),
    "legitimate_interest": _(
        "See your information, have its use restricted, and object to its use; we "
        "then stop unless we must keep it to protect the site."
    ),
    "nothing_kept": _("Nothing is kept, so there is nothing to see or delete."),
}


@dataclass(frozen=True)
class Processing:
    key: str
    name: str
    purpose: str
    basis: str
    retention: str
    recipients: str
    rights: str


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    setting: str  # the setting it comes from, named to staff when it is empty


# BookingEmail.MAX_ATTEMPTS (nemus_site imports no app; a test holds them equal).
BOOKING_EMAIL_TRIES = 5


def days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def controller_facts() -> list[Fact]:
    """Who is responsible, from settings; empty values are shown as missing."""
    return [
        Fact(_("Controller"), settings.NEMUS_CONTROLLER_NAME, "NEMUS_CONTROLLER_NAME"),
        Fact(
            _("Organisation number"),
            settings.NEMUS_CONTROLLER_ORG_NUMBER,
            "NEMUS_CONTROLLER_ORG_NUMBER",
        ),
        Fact(
            _("Address"), settings.NEMUS_CONTROLLER_ADDRESS, "NEMUS_CONTROLLER_ADDRESS"
        ),
        Fact(
            _("Data protection officer"),
            settings.NEMUS_DPO_CONTACT,
            "NEMUS_DPO_CONTACT",
        ),
    ]


def _processor(label, name: str, setting: str, key: str | None) -> list[Fact]:
    """A processor, and, when data really goes to it, where it processes the data
    and what a transfer outside the EEA rests on (NEMUS_<key>_LOCATION and
    NEMUS_<key>_TRANSFER_BASIS)."""
    facts = [Fact(label, name, setting)]
    if key is None:
        return facts
    where, basis = f"NEMUS_{key}_LOCATION", f"NEMUS_{key}_TRANSFER_BASIS"
    return [
        *facts,
        Fact(
            _("%(processor)s: where the data is processed") % {"processor": label},
            getattr(settings, where),
            where,
        ),
        Fact(
            _("%(processor)s: basis for a transfer outside the EEA")
            % {"processor": label},
            getattr(settings, basis),
            basis,
        ),
    ]


def processor_facts() -> list[Fact]:
    sms_to_files = settings.DEMO_MODE or settings.SMS_BACKEND.endswith(".FileBackend")
    return [
        *_processor(
            _("Hosting"),
            settings.NEMUS_HOSTING_PROVIDER,
            "NEMUS_HOSTING_PROVIDER",
            "HOSTING",
        ),
        *_processor(
            _("E-mail delivery"),
            _("none: e-mails are written to files on the server (demo)")
            if settings.DEMO_MODE
            else settings.NEMUS_EMAIL_PROVIDER,
            "NEMUS_EMAIL_PROVIDER",
            None if settings.DEMO_MODE else "EMAIL",
        ),
        *_processor(
            _("SMS delivery"),
            _("none: SMS are written to files on the server")
            if sms_to_files
            else settings.NEMUS_SMS_PROVIDER,
            "NEMUS_SMS_PROVIDER",
            None if sms_to_files else "SMS",
        ),
        Fact(_("Map tiles"), settings.MAP_PROVIDER_NAME, "MAP_PROVIDER_NAME"),
    ]


def processings() -> list[Processing]:
    """Each processing of personal data the site does, with its purpose, legal basis
    (Article 6, and Article 9 for health data), retention, recipients and rights."""
    booking_days = settings.BOOKING_RETENTION_DAYS
    clinic_staff = _("Staff of the clinic you booked with.")
    return [
        Processing(
            key="booking",
            name=_("Your booking"),
            purpose=_(
                "To give you the appointment you booked: your name, mobile number, "
                "e-mail address, whether you are a new patient, and the appointment "
                "time."
            ),
            basis=_(
                "Article 6(1)(b) (the appointment you ask for) and Article 9(2)(h) "
                "(health care), with the Health Personnel Act."
            ),
            retention=_(
                "Deleted %(days)s after the appointment; at once if you cancel."
            )
            % {"days": days(booking_days)},
            recipients=clinic_staff,
            rights=RIGHTS["contract"],
        ),
        Processing(
            key="phone_lookup",
            name=_("Finding you by your number when you call"),
            purpose=_(
                "When you call to book again, reception can type your whole phone "
                "number to find the name and e-mail of your earlier bookings at that "
                "clinic, instead of asking for them again. Several people who share "
                "a number are listed, with the e-mail partly hidden; reception "
                "checks with you which one you are."
            ),
            basis=_("Article 6(1)(b) and Article 9(2)(h), as for the booking."),
            retention=_(
                "Only bookings still kept are searched (%(days)s after the "
                "appointment). Each search is logged as an access, like opening a "
                "booking."
            )
            % {"days": days(booking_days)},
            recipients=clinic_staff,
            rights=RIGHTS["contract"],
        ),
        Processing(
            key="email",
            name=_("E-mails to you"),
            purpose=_(
                "The confirmation, the reminder and changes, with a link to cancel."
            ),
            basis=_("Article 6(1)(b) and Article 9(2)(h), as for the booking."),
            retention=_(
                "Kept with the booking and deleted with it, %(days)s after the "
                "appointment. Your address stays on each e-mail waiting to go out "
                "until it is sent or given up after %(tries)s tries, also when the "
                "clinic cancels your appointment (that e-mail goes after your "
                "details are deleted from the booking)."
            )
            % {"days": days(booking_days), "tries": BOOKING_EMAIL_TRIES},
            recipients=_("You; the e-mail delivery service below carries them."),
            rights=RIGHTS["contract"],
        ),
        Processing(
            key="sms",
            name=_("SMS to you"),
            purpose=_(
                "The confirmation, a reminder %(hours)s hours before, and changes "
                "and cancellations, to your mobile number. They hold the appointment "
                "time, the "
                "clinic and the booking reference, never what the appointment is "
                "for."
            )
            % {"hours": settings.SMS_REMINDER_HOURS},
            basis=_("Article 6(1)(b) and Article 9(2)(h), as for the booking."),
            retention=_(
                "The number is deleted from each message once it is sent; the "
                "record that a message went is deleted with the booking."
            ),
            recipients=_("You; the SMS delivery service below carries them."),
            rights=RIGHTS["contract"],
        ),
        Processing(
            key="waitlist",
            name=_("The waiting list"),
            purpose=_(
                "To tell you when an earlier appointment is available at the clinic "
                "you chose: "
                "your mobile number or e-mail address, the clinic, the practitioner "
                "or profession you chose and your last day. Messages hold the "
                "appointment time, the clinic and a link, never anything about your "
                "health."
            ),
            basis=_(
                "Article 6(1)(b) (steps you ask for before an appointment) and "
                "Article 9(2)(h) (health care), as for the booking."
            ),
            retention=_(
                "Deleted when you take yourself off (a link in every message), the "
                "day after your last day, or after %(hours)s hours if you never "
                "confirm your number or address."
            )
            % {"hours": settings.WAITLIST_UNCONFIRMED_HOURS},
            recipients=_(
                "Staff of the clinic see how many are waiting; opening one entry is "
                "logged. The SMS or e-mail delivery service below carries the "
                "messages."
            ),
            rights=RIGHTS["waitlist"],
        ),
        Processing(
            key="calendar_feeds",
            name=_("Calendar feeds for the clinic's staff"),
            purpose=_(
                "So practitioners see their day in their own calendar: a private "
                "feed of their bookings with the appointment time, the kind of "
                "appointment and "
                "the booking reference. Never your name, your contact details or "
                "anything about your health."
            ),
            basis=_(
                "Article 6(1)(b) and Article 9(2)(h), as for the booking: the "
                "clinic plans the appointment you booked."
            ),
            retention=_(
                "The feed shows bookings from a week back; a deleted booking "
                "leaves it at once. Each fetch is counted (when, which feed)."
            ),
            recipients=_(
                "The practitioner's or clinic's calendar service, which fetches "
                "the feed."
            ),
            rights=RIGHTS["contract"],
        ),
        Processing(
            key="access_log",
            name=_("Log of staff who see a booking"),
            purpose=_(
                "To check that only those who should have seen your booking did "
                "(Normen). It holds who saw which booking and when (on its own page, "
                "in the day's list or in the clinic's appointment book, where the "
                "clinic's staff see your name), not your details."
            ),
            basis=_(
                "Article 6(1)(c) (a legal duty), with the Patient Records Act's duty "
                "to log access to health information."
            ),
            retention=_("Deleted after %(days)s.")
            % {"days": days(settings.BOOKING_ACCESS_RETENTION_DAYS)},
            recipients=_("NEMUS's administrators, when access is checked."),
            rights=RIGHTS["legal_obligation"],
        ),
        Processing(
            key="server_logs",
            name=_("Server logs"),
            purpose=_(
                "To keep the site running and safe: the page asked for, the time and "
                "the answer. Never query strings, form contents or your address."
            ),
            basis=_("Article 6(1)(f) (our legitimate interest in a secure site)."),
            retention=_("Deleted after %(days)s.")
            % {"days": days(settings.NEMUS_LOG_RETENTION_DAYS)},
            recipients=_("NEMUS's administrators and the hosting provider."),
            rights=RIGHTS["legitimate_interest"],
        ),
        Processing(
            key="rate_limits",
            name=_("Protection against floods"),
            purpose=_(
                "To stop one connection sending many bookings: a count per "
                "connection, kept as a code made from its IP address with a secret "
                "key, never the address itself."
            ),
            basis=_("Article 6(1)(f) (our legitimate interest in a secure site)."),
            retention=_("Deleted after %(days)s.") % {"days": days(1)},
            recipients=_("No one; the site counts by itself."),
            rights=RIGHTS["legitimate_interest"],
        ),
        Processing(
            key="backups",
            name=_("Backups"),
            purpose=_("To restore the bookings if the server fails."),
            basis=_("The same as the booking they copy."),
            retention=_(
                "Each copy is deleted after %(days)s, so a deleted booking is gone "
                "from every copy by then."
            )
            % {"days": days(settings.NEMUS_BACKUP_RETENTION_DAYS)},
            recipients=_("NEMUS's administrators and the hosting provider."),
            rights=RIGHTS["contract"],
        ),
        Processing(
            key="map_tiles",
            name=_("The map"),
            purpose=_(
                "Only when you press “Show map”: your browser fetches map pictures "
                "from the map provider, which then sees your IP address."
            ),
            basis=_("Article 6(1)(f): you asked to see the map."),
            retention=_("NEMUS keeps nothing; the map provider's own terms apply."),
            recipients=settings.MAP_PROVIDER_NAME or "–",
            rights=RIGHTS["legitimate_interest"],
        ),
        Processing(
            key="position",
            name=_("Your position"),
            purpose=_(
                "Only when you press “Use my position” and allow it: to list the "
                "clinics nearest you. Your browser rounds the position to about a "
                "kilometre and sends it in the page's address."
            ),
            basis=_("Article 6(1)(f): you asked for the clinics nearest you."),
            retention=_(
                "Not stored. The server logs never keep that part of the address."
            ),
            recipients=_("No one; the site sorts the clinics by itself."),
            rights=RIGHTS["nothing_kept"],
        ),
    ]


def staff_processings() -> list[Processing]:
    """What the site processes about practitioners and other staff, for the staff
    notice (not the patients' table)."""
    return [
        Processing(
            key="busy_calendars",
            name=_("Your own calendar, if you link it"),
            purpose=_(
                "So the site never offers an appointment at a time you have already "
                "given away: it reads when you are busy in the calendar you link, "
                "never whom you see or what your events say."
            ),
            basis=_(
                "Article 6(1)(f) (our legitimate interest in offering only "
                "appointments that can be kept)."
            ),
            retention=_(
                "Only the busy times, replaced at each reading and deleted when the "
                "calendar is unlinked."
            ),
            recipients=_("No one; the site reads them by itself."),
            rights=_(
                "See what is read, have its use restricted, and object: ask the "
                "clinic's administrator to unlink the calendar."
            ),
        ),
    ]
