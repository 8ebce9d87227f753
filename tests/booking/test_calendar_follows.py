"""The patient's calendar follows every change (issue 35): each booking e-mail
carries an iTIP message for the one event (RFC 5546): REQUEST when booked or moved,
CANCEL when cancelled by the patient or the clinic, with the clinic as ORGANIZER
and the patient as ATTENDEE."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from booking.models import BookingEmail, BookingSms, ClinicBookingPolicy
from booking.services import (
    booking_cancel,
    booking_change,
    booking_create,
    booking_move,
    emails_send,
)
from tests.booking.conftest import PATIENT
from tests.factories import SlotFactory
from tests.invitations import invitation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("django_capture_on_commit_callbacks"),
]


def later(days, hour=9):
    return (timezone.now() + dt.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def booked(practitioner, follow_up, django_capture_on_commit_callbacks):
    slot = SlotFactory(practitioner=practitioner, starts_at=later(3))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    return booking


def test_the_confirmation_invites_with_the_clinic_organizing(
    practitioner, follow_up, settings, django_capture_on_commit_callbacks
):
    settings.BOOKING_CALENDAR_ORGANIZER = "kalender@nemus.example"
    slot = SlotFactory(practitioner=practitioner, starts_at=later(3))
    with django_capture_on_commit_callbacks(execute=True):
        booked = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    method, event, mimetype = invitation(mail.outbox[-1])
    assert method == "REQUEST"
    assert mimetype == "text/calendar; method=REQUEST"
    assert str(event["uid"]) == booked.calendar_uid
    assert int(event["sequence"]) == 0
    organizer = event["organizer"]
    assert str(organizer) == "mailto:kalender@nemus.example"
    assert organizer.params["CN"] == "NEMUS Testby"
    attendee = event["attendee"]
    assert str(attendee) == f"mailto:{PATIENT['email']}"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert attendee.params["RSVP"] == "FALSE"
    assert str(event["status"]) == "CONFIRMED"


def test_a_change_and_a_move_request_the_same_event_with_a_higher_sequence(
    booked, practitioner, django_capture_on_commit_callbacks
):
    first = SlotFactory(practitioner=practitioner, starts_at=later(4))
    second = SlotFactory(practitioner=practitioner, starts_at=later(5))
    with django_capture_on_commit_callbacks(execute=True):
        booking_change(booking_id=booked.pk, new_slot_id=first.pk)
    method, event, _type = invitation(mail.outbox[-1])
    assert (method, str(event["uid"]), int(event["sequence"])) == (
        "REQUEST",
        booked.calendar_uid,
        1,
    )
    assert event.decoded("dtstart") == first.starts_at
    with django_capture_on_commit_callbacks(execute=True):
        booking_move(booking_id=booked.pk, new_slot_id=second.pk)
    method, event, _type = invitation(mail.outbox[-1])
    assert (method, int(event["sequence"])) == ("REQUEST", 2)
    assert event.decoded("dtstart") == second.starts_at


@pytest.mark.parametrize(
    ("by_staff", "kind", "says"),
    [
        (False, "patient_cancel", "du har avbestilt timen din"),
        (True, "cancelled", "klinikken har dessverre måttet avbestille timen din"),
    ],
)
def test_a_cancellation_takes_the_event_out_of_the_calendar(
    booked, django_capture_on_commit_callbacks, by_staff, kind, says
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking_id=booked.pk, by_staff=by_staff)
    [message] = mail.outbox
    assert message.to == [PATIENT["email"]]
    assert says in message.body
    assert booked.reference in message.body
    assert "Vedlagt fil tar timen ut av kalenderen din." in message.body
    method, event, mimetype = invitation(message)
    assert (method, mimetype) == ("CANCEL", "text/calendar; method=CANCEL")
    assert str(event["uid"]) == booked.calendar_uid
    # Above the confirmation's 0: calendars apply it.
    assert int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"
    assert str(event["organizer"]).startswith("mailto:")
    assert str(event["attendee"]) == f"mailto:{PATIENT['email']}"
    assert BookingEmail.objects.get(booking=booked, kind=kind).to == ""
    # The SMS says the same: the time is cancelled.
    sms = BookingSms.objects.get(booking=booked, kind="cancelled")
    assert sms.sent_at is not None


def test_a_cancellation_e_mail_that_failed_is_sent_after_the_erasure(
    booked, django_capture_on_commit_callbacks, settings
):
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "tests.booking.test_calendar_follows.DownBackend"
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking_id=booked.pk)
    booked.refresh_from_db()
    assert booked.email == "" and booked.name == ""
    record = BookingEmail.objects.get(booking=booked, kind="patient_cancel")
    assert record.sent_at is None and record.to == PATIENT["email"]
    # The mail server is back: the scheduled run sends it to the kept address.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert emails_send() == (1, 0)
    [message] = mail.outbox
    assert message.to == [PATIENT["email"]]
    method, event, _type = invitation(message)
    assert (method, str(event["uid"])) == ("CANCEL", booked.calendar_uid)
    record.refresh_from_db()
    assert record.sent_at is not None and record.to == ""


def test_the_clinic_is_told_of_a_patients_cancellation_without_the_patient(
    booked, django_capture_on_commit_callbacks
):
    ClinicBookingPolicy.objects.update_or_create(
        clinic=booked.slot.clinic,
        defaults={"notify_email": "resepsjon@example.invalid"},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking_id=booked.pk)
    by_to = {tuple(message.to): message for message in mail.outbox}
    assert set(by_to) == {(PATIENT["email"],), ("resepsjon@example.invalid",)}
    notice = by_to[("resepsjon@example.invalid",)]
    assert PATIENT["email"] not in notice.body and PATIENT["name"] not in notice.body
    assert notice.attachments == []


class DownBackend:
    """A mail server that does not answer."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise TimeoutError("timed out")
