"""The e-mails booking sends. Patients get the details and a cancel link; the clinic
gets only a link to the booking in the admin (DESIGN.md: no patient data to staff)."""

import datetime as dt

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from booking.formatting import slot_time
from booking.links import cancel_token, waitlist_token
from booking.models import BookingEmail, BookingSms, WaitlistEntry, WaitlistMessage
from booking.outside.sms import sms_text


def waitlist_url(entry) -> str:
    return absolute(
        reverse(
            "booking:waitlist_entry",
            kwargs={"token": waitlist_token(entry, proof=True)},
        )
    )


def _waitlist_context(record: WaitlistMessage) -> dict:
    entry = record.entry
    context = {
        "entry": entry,
        "clinic": entry.clinic,
        "url": waitlist_url(entry),
        "demo_mode": settings.DEMO_MODE,
        "hours": settings.WAITLIST_UNCONFIRMED_HOURS,
        "minutes": settings.WAITLIST_CODE_MINUTES,
    }
    if record.offer is not None:
        context["when"] = slot_time(record.offer.slot.starts_at)
    return context


def waitlist_sms_body(record: WaitlistMessage, *, code: str = "") -> str:
    """The SMS of a waiting-list message, in the entry's language and GSM-7: the
    code, or the time offered with the link; never anything about health."""
    with translation.override(record.entry.language):
        text = render_to_string(
            f"booking/sms/waitlist_{record.kind}.txt",
            {**_waitlist_context(record), "code": code},
        )
    return sms_text(" ".join(text.split()))


def send_waitlist_email(record: WaitlistMessage) -> None:
    entry = record.entry
    assert entry.channel == WaitlistEntry.Channel.EMAIL
    with translation.override(entry.language):
        context = _waitlist_context(record)
        subject = render_to_string(
            f"booking/email/waitlist_{record.kind}_subject.txt", context
        )
        body = render_to_string(f"booking/email/waitlist_{record.kind}.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[entry.email],
    ).send()


def absolute(path: str) -> str:
    return settings.NEMUS_SITE_URL.rstrip("/") + path


# What each e-mail does to the event in the patient's calendar (RFC 5546): the
# booking, each move and the cancellation all speak of the one event (its UID).
CALENDAR_METHODS = {
    BookingEmail.Kind.CONFIRMATION: "REQUEST",
    BookingEmail.Kind.CHANGED: "REQUEST",
    BookingEmail.Kind.MOVED: "REQUEST",
    BookingEmail.Kind.CANCELLED: "CANCEL",
    BookingEmail.Kind.PATIENT_CANCELLED: "CANCEL",
}


def calendar_file(booking, *, method: str, attendee: str) -> bytes:
    """The booking's event as an iTIP message: REQUEST puts it in the calendar or
    moves it there, CANCEL takes it out. The clinic organizes (at
    BOOKING_CALENDAR_ORGANIZER, whose replies nobody reads), the patient
    (`attendee`, by address only) has accepted and is asked nothing."""
    slot = booking.slot
    clinic = slot.clinic
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//NEMUS//timebestilling//NO")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", booking.calendar_uid)
    # One more at each move and at the cancellation: calendars apply the message
    # with the highest to the event with this UID.
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now())
    organizer = icalendar.vCalAddress(f"mailto:{settings.BOOKING_CALENDAR_ORGANIZER}")
    organizer.params["cn"] = icalendar.vText(clinic.name)
    event.add("organizer", organizer)
    patient = icalendar.vCalAddress(f"mailto:{attendee}")
    patient.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    patient.params["partstat"] = icalendar.vText("ACCEPTED")
    patient.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", patient)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("dtstart", slot.starts_at.astimezone(dt.UTC))
    event.add("dtend", slot.ends_at.astimezone(dt.UTC))
    event.add("summary", f"{booking.appointment_type.name} – {clinic.name}")
    event.add("location", f"{clinic.street_address}, {clinic.postcode} {clinic.town}")
    event.add(
        "description",
        _("%(practitioner)s. Phone %(phone)s")
        % {"practitioner": slot.practitioner.name, "phone": clinic.phone},
    )
    calendar.add_component(event)
    return calendar.to_ical()


def send_booking_email(record: BookingEmail) -> None:
    booking = record.booking
    with translation.override(booking.language):
        if record.kind == BookingEmail.Kind.CLINIC_NOTICE:
            recipient = booking.slot.clinic.booking_policy.notify_email
            context = {
                "admin_url": absolute(
                    reverse("admin:booking_booking_change", args=[booking.pk])
                ),
                "record": record,
            }
        else:
            recipient = record.to
            context = {
                "booking": booking,
                "slot": booking.slot,
                "clinic": booking.slot.clinic,
                "when": slot_time(booking.slot.starts_at),
                "cancel_url": absolute(
                    reverse("booking:cancel", kwargs={"token": cancel_token(booking)})
                ),
                "book_url": absolute(
                    reverse("booking:clinic", args=[booking.slot.clinic.slug])
                ),
                "series": series_of(booking),
                "record": record,
            }
        context["demo_mode"] = settings.DEMO_MODE
        subject = render_to_string(f"booking/email/{record.kind}_subject.txt", context)
        body = render_to_string(f"booking/email/{record.kind}.txt", context)
        attachment = None
        method = CALENDAR_METHODS.get(record.kind)
        if method:
            # The event's text and the file's name in the patient's language.
            attachment = (
                pgettext("file name", "appointment.ics"),
                calendar_file(booking, method=method, attendee=recipient),
                f"text/calendar; method={method}",
            )
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
    )
    if attachment:
        message.attach(*attachment)
    message.send()


def series_of(booking) -> list:
    """The times of a course the booking belongs to, in order (its one message
    lists them); empty for a booking on its own."""
    if not booking.series:
        return []
    return list(
        type(booking)
        .objects.filter(series=booking.series, status__in=["confirmed"])
        .select_related("slot__practitioner")
        .order_by("starts_at")
    )


def sms_body(record) -> str:
    """An SMS's text, in the patient's language and GSM-7: the time, the clinic and
    the reference, never the kind of appointment or anything about health."""
    booking = record.booking
    slot = booking.slot
    clinic = slot.clinic
    with translation.override(booking.language):
        text = render_to_string(
            f"booking/sms/{record.kind}.txt",
            {
                "booking": booking,
                "clinic": clinic,
                "when": slot_time(slot.starts_at),
                "series": series_of(booking)
                if record.kind == BookingSms.Kind.SERIES
                else [],
                "demo_mode": settings.DEMO_MODE,
            },
        )
    return sms_text(" ".join(text.split()))
