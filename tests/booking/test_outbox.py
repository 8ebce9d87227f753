"""A hung or refusing mail server never holds the database nor loses a message
(issue 28): e-mail goes after the commit, through the outbox, with EMAIL_TIMEOUT;
a cancellation's e-mail keeps its address in the outbox (the booking has erased
it) until it is sent or given up."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from booking.models import Booking, BookingEmail
from booking.services import booking_cancel, booking_create, emails_send
from tests.booking.conftest import PATIENT
from tests.factories import SlotFactory
from tests.smtp import SmtpServer, refused_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings):
    servers = []

    def use(server_or_port, *, timeout=10):
        port = getattr(server_or_port, "port", server_or_port)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_TIMEOUT = timeout
        if isinstance(server_or_port, SmtpServer):
            servers.append(server_or_port)
        return server_or_port

    yield use
    for server in servers:
        server.answering.set()
        server.close()


@pytest.fixture
def booked(practitioner, follow_up, settings):
    """A patient's booking, made while mail went to memory."""
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    slot = SlotFactory(practitioner=practitioner, starts_at=start)
    return booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)


def _in_thread(target):
    done = threading.Event()
    failure = []

    def run():
        try:
            target()
        except Exception as error:  # shown by the test that waits for it
            failure.append(error)
        finally:
            connection.close()
            done.set()

    threading.Thread(target=run, daemon=True).start()
    return done, failure


def test_a_hung_mail_server_holds_neither_the_cancel_nor_other_patients(
    booked, practitioner, follow_up, smtp
):
    server = smtp(SmtpServer(answering=False), timeout=30)
    done, failure = _in_thread(
        lambda: booking_cancel(booking_id=booked.pk, by_staff=True)
    )
    # The staff cancel is talking to the mail server, which says nothing...
    assert server.connected.wait(10)
    assert not done.is_set()
    # ...and its transaction has committed: the booking is cancelled, its
    # details erased, the message kept in the outbox with the address.
    booking = Booking.objects.get(pk=booked.pk)
    assert (booking.status, booking.name, booking.email) == ("cancelled", "", "")
    record = BookingEmail.objects.get(booking=booked, kind="cancelled")
    assert (record.to, record.sent_at) == (PATIENT["email"], None)
    # Another patient books meanwhile (no lock is held on the database).
    other = SlotFactory(
        practitioner=practitioner,
        starts_at=booked.slot.starts_at + dt.timedelta(hours=1),
    )
    second = booking_create(
        slot_id=other.pk,
        appointment_type=follow_up,
        **{**PATIENT, "phone": "41234567", "email": ""},
    )
    assert Booking.objects.get(pk=second.pk).status == "confirmed"
    assert not done.is_set() and server.messages == []
    # The server answers: the e-mail goes out, and the address leaves the outbox.
    server.answering.set()
    assert done.wait(15) and failure == []
    [(recipients, message)] = server.messages
    assert recipients == [PATIENT["email"]]
    assert "avbestilt" in message["Subject"]
    record.refresh_from_db()
    assert record.sent_at is not None and record.to == ""


@pytest.mark.parametrize(
    ("fault", "error"),
    # smtplib reports a greeting that never came as a disconnection.
    [("refused", "ConnectionRefusedError"), ("silent", "SMTPServerDisconnected")],
)
def test_a_failed_cancellation_email_is_kept_and_sent_on_a_later_run(
    booked, smtp, fault, error
):
    if fault == "refused":
        smtp(refused_port())
    else:
        smtp(SmtpServer(answering=False), timeout=1)
    booking_cancel(booking_id=booked.pk, by_staff=True)
    record = BookingEmail.objects.get(booking=booked, kind="cancelled")
    assert (record.sent_at, record.attempts, record.to) == (None, 1, PATIENT["email"])
    assert record.last_error == error
    booking = Booking.objects.get(pk=booked.pk)
    assert (booking.status, booking.email) == ("cancelled", "")
    # The mail server is back: the scheduled run sends it.
    server = smtp(SmtpServer())
    call_command("send_booking_emails", stdout=io.StringIO())
    [(recipients, message)] = server.messages
    assert recipients == [PATIENT["email"]]
    assert "avbestilt" in message["Subject"]
    record.refresh_from_db()
    assert (record.attempts, record.to) == (2, "")
    assert record.sent_at is not None


def test_a_message_given_up_forgets_its_address(booked, smtp):
    smtp(refused_port())
    booking_cancel(booking_id=booked.pk, by_staff=True)
    for _run in range(BookingEmail.MAX_ATTEMPTS + 2):
        emails_send()
    record = BookingEmail.objects.get(booking=booked, kind="cancelled")
    assert (record.attempts, record.sent_at, record.to) == (
        BookingEmail.MAX_ATTEMPTS,
        None,
        "",
    )
    assert record.last_error == "ConnectionRefusedError"


def test_the_privacy_notice_states_the_tries_the_outbox_makes():
    from nemus_site.privacy import BOOKING_EMAIL_TRIES

    assert BOOKING_EMAIL_TRIES == BookingEmail.MAX_ATTEMPTS


def test_a_patient_booked_without_an_address_gets_no_email_to_fail(
    practitioner, follow_up
):
    """A phone booking with no e-mail queues none (before, an empty message was
    'sent'); the scheduled run has nothing to report as failed."""
    slot = SlotFactory(
        practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(days=2)
    )
    booking = booking_create(
        slot_id=slot.pk,
        appointment_type=follow_up,
        **{**PATIENT, "email": ""},
        channel=Booking.Channel.PHONE,
    )
    booking_cancel(booking_id=booking.pk, by_staff=True)
    assert not BookingEmail.objects.filter(booking=booking).exists()
    assert emails_send() == (0, 0)
