"""SMS to patients (issue 18): GSM-7 texts in the patient's language without health
information, the file backend, and the Twilio backend against a local fake provider
that succeeds, times out, fails with 500, limits with 429 or refuses with 400: a
retry where nothing was accepted, never a second send, nothing personal in logs."""

import datetime as dt
import json
import logging
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.management import call_command

from booking.models import Booking, BookingSms
from booking.outside.emails import sms_body
from booking.outside.sms import sms_segments, sms_text
from booking.services import (
    booking_cancel,
    booking_change,
    booking_create,
    sms_reminders_queue,
    sms_send,
)
from tests.booking.conftest import PATIENT
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

NUMBER = "+4791234567"


class FakeProvider(BaseHTTPRequestHandler):
    """Twilio's Messages endpoint, as far as we use it. `mode` says how it answers
    the next request; every request it accepted is in `accepted`."""

    mode = "ok"
    accepted: list = []
    requests: list = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        type(self).requests.append((self.path, form, dict(self.headers)))
        mode = type(self).mode
        if mode == "timeout":
            type(self).accepted.append(form)  # it got it, the answer is lost
            time.sleep(1.5)
            return
        if mode in ("500", "429", "400"):
            self.send_response(int(mode))
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"code": 20000, "message": "no"}')
            return
        type(self).accepted.append(form)
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        sid = f"SM{len(type(self).accepted):032d}"
        self.wfile.write(json.dumps({"sid": sid, "status": "queued"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    FakeProvider.mode = "ok"
    FakeProvider.accepted = []
    FakeProvider.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    settings.SMS_BACKEND = "booking.outside.sms.TwilioBackend"
    settings.SMS_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.SMS_ACCOUNT = "AC0123456789"
    settings.SMS_TOKEN = "secret-token"
    settings.SMS_FROM = "NEMUS"
    settings.SMS_TIMEOUT_SECONDS = 0.5
    yield FakeProvider
    server.shutdown()
    server.server_close()


@pytest.fixture
def booked(slot, follow_up, django_capture_on_commit_callbacks, provider):
    """A booking whose confirmation SMS is queued but not yet sent."""
    provider.mode = "500"
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    provider.mode = "ok"
    provider.requests.clear()
    return booking


def test_texts_are_gsm7_and_counted_in_segments():
    assert sms_text("Tirsdag – «Øst» kl. 08.00\u00a0… æøå ÆØÅ ☺") == (
        'Tirsdag - "Øst" kl. 08.00 ... æøå ÆØÅ'
    )
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("€" * 80) == 1 and sms_segments("€" * 81) == 2
    assert sms_segments("a" * 307) == 3


def test_a_booking_sends_a_confirmation_sms_in_the_patients_language(
    slot, follow_up, django_capture_on_commit_callbacks, provider
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    ((path, form, headers),) = provider.requests
    assert path == "/2010-04-01/Accounts/AC0123456789/Messages.json"
    assert headers["Authorization"].startswith("Basic ")
    assert form["To"] == [NUMBER] and form["From"] == ["NEMUS"]
    text = form["Body"][0]
    assert text.startswith("NEMUS: Timen din er bestilt ")
    assert "NEMUS Testby" in text and booking.reference in text
    # No health information: not the kind of appointment, not the practitioner.
    assert "Oppfølging" not in text and "Kari Rygg" not in text
    assert text == sms_text(text) and sms_segments(text) <= 2
    record = BookingSms.objects.get()
    assert record.sent_at and record.provider_id == "SM" + "1".zfill(32)
    assert record.to == ""  # the number is not kept once sent
    assert record.segments == sms_segments(text)


def test_english_for_a_booking_made_in_english(
    slot, follow_up, django_capture_on_commit_callbacks, provider
):
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    text = provider.accepted[0]["Body"][0]
    assert text.startswith("NEMUS: Your appointment is booked for ")


def test_a_500_or_429_is_retried_and_sent_once(booked, provider):
    record = BookingSms.objects.get()
    assert record.attempts == 1 and record.last_error == "HTTP 500"
    assert record.sent_at is None and not record.uncertain
    provider.mode = "429"
    assert sms_send() == (0, 1)
    record.refresh_from_db()
    assert record.attempts == 2 and record.last_error == "HTTP 429"
    provider.mode = "ok"
    assert sms_send() == (1, 0)
    assert sms_send() == (0, 0)  # nothing left: never a second send
    assert len(provider.accepted) == 1
    record.refresh_from_db()
    assert record.sent_at and record.attempts == 3


def test_a_timeout_is_never_sent_again(booked, provider):
    provider.mode = "timeout"
    assert sms_send() == (0, 1)
    record = BookingSms.objects.get()
    assert record.uncertain and record.last_error == "timed out"
    provider.mode = "ok"
    assert sms_send() == (0, 0)
    # The provider got it once (its answer was lost); we never sent it twice.
    assert len(provider.accepted) == 1


def test_a_refusal_is_given_up_at_once(booked, provider):
    provider.mode = "400"
    sms_send()
    record = BookingSms.objects.get()
    assert record.given_up and record.last_error == "HTTP 400"
    provider.mode = "ok"
    assert sms_send() == (0, 0)
    assert provider.accepted == []


def test_a_refused_connection_is_retried(booked, settings, provider):
    settings.SMS_API_URL = "http://127.0.0.1:9"  # nothing listens there
    sms_send()
    record = BookingSms.objects.get()
    assert record.last_error == "connection refused" and not record.uncertain


def test_retries_stop_after_five_attempts(booked, provider):
    provider.mode = "500"
    for _ in range(6):
        sms_send()
    record = BookingSms.objects.get()
    assert record.attempts == 5 and record.given_up


def _send_and_close(record):
    from django.db import connection

    try:
        return sms_send([record])
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_it_once(booked, provider):
    """Each thread its own database connection, as the request's after-commit and
    the scheduled command would be."""
    from django.db import connection

    provider.mode = "ok"
    record = BookingSms.objects.get()
    other = BookingSms.objects.get()
    results = []
    threads = [
        threading.Thread(target=lambda r=r: results.append(_send_and_close(r)))
        for r in (record, other)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.close()
    assert len(provider.accepted) == 1
    assert sorted(results) == [(0, 1), (1, 0)]


def test_a_claim_left_by_a_dead_sender_is_marked_uncertain(booked, provider):
    from django.utils import timezone

    BookingSms.objects.update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert sms_send() == (0, 0)
    assert BookingSms.objects.get().uncertain
    assert provider.accepted == []


def test_a_sender_dead_after_the_commit_costs_no_double_message(
    slot, follow_up, provider, django_capture_on_commit_callbacks
):
    """The booking's SMS is queued claimed by the request that sends it after the
    commit. Should that process die first, the scheduled run sends the e-mail and
    leaves the SMS alone; once the claim is old it is marked uncertain, never sent
    (a second SMS is worse than none: the e-mail has the details)."""
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    assert callbacks  # the sending, which the dead process never ran
    record = BookingSms.objects.get(booking=booking)
    assert record.claimed_at is not None and record.attempts == 1
    call_command("send_booking_emails")
    assert [m.to for m in mail.outbox] == [[PATIENT["email"]]]
    assert provider.accepted == []
    BookingSms.objects.update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    call_command("send_booking_emails")
    record.refresh_from_db()
    assert record.uncertain and record.sent_at is None
    assert provider.accepted == [] and len(mail.outbox) == 1


def test_an_sms_refused_still_records_the_email_sent(
    slot, follow_up, provider, django_capture_on_commit_callbacks
):
    """The outcomes are recorded together after both were tried: one failing
    never loses the other's."""
    provider.mode = "400"
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    email = booking.emails.get(kind="confirmation")
    assert email.sent_at is not None and email.to == "" and email.attempts == 1
    text = BookingSms.objects.get(booking=booking)
    assert text.given_up and text.claimed_at is None and text.sent_at is None
    assert len(mail.outbox) == 1


def test_no_number_or_text_in_the_logs(booked, provider, caplog):
    provider.mode = "500"
    with caplog.at_level(logging.DEBUG):
        sms_send()
        provider.mode = "timeout"
        sms_send()
    logged = caplog.text
    assert "booking sms not sent" in logged
    for secret in (NUMBER, "91234567", "912 34 567", "NEMUS Testby", "Timen din"):
        assert secret not in logged


def test_change_cancel_and_reminder_each_send_one(
    practitioner, follow_up, django_capture_on_commit_callbacks, provider, settings
):
    from django.utils import timezone

    soon = timezone.now().replace(microsecond=0) + dt.timedelta(hours=30)
    first = SlotFactory(
        practitioner=practitioner, starts_at=soon + dt.timedelta(days=2)
    )
    second = SlotFactory(practitioner=practitioner, starts_at=soon)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            slot_id=first.pk, appointment_type=follow_up, **PATIENT
        )
        booking_change(booking_id=booking.pk, new_slot_id=second.pk)
    bodies = [form["Body"][0] for form in provider.accepted]
    assert bodies[1].startswith("NEMUS: Timen din er flyttet til ")
    # The reminder: within SMS_REMINDER_HOURS of the time, once, for a booking
    # made before that (one made inside it had its confirmation instead).
    settings.SMS_REMINDER_HOURS = 31
    assert sms_reminders_queue() == 0
    Booking.objects.update(created_at=timezone.now() - dt.timedelta(days=3))
    assert sms_reminders_queue() == 1
    assert sms_reminders_queue() == 0
    sms_send()
    assert provider.accepted[-1]["Body"][0].startswith("NEMUS: Påminnelse om time ")
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking_id=booking.pk)
    assert provider.accepted[-1]["Body"][0].endswith(
        f"er avbestilt. Ref. {booking.reference}."
    )
    assert len(provider.accepted) == 4
    assert not BookingSms.objects.exclude(to="").exists()
    assert len(mail.outbox) >= 2  # the e-mails went as well


def test_an_sms_failure_never_undoes_a_booking(
    slot, follow_up, django_capture_on_commit_callbacks, settings
):
    settings.SMS_BACKEND = "booking.outside.sms.TwilioBackend"
    settings.SMS_API_URL = "http://127.0.0.1:9"
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert mail.outbox  # the e-mail still went


def test_the_file_backend_writes_each_message_once(
    slot, follow_up, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.SMS_BACKEND = "booking.outside.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    (written,) = tmp_path.iterdir()
    content = written.read_text()
    assert content.startswith(f"To: {NUMBER}\n")
    assert "NEMUS: Timen din er bestilt" in content
    record = BookingSms.objects.get()
    assert written.name == f"{record.key}.txt"


def test_demo_mode_always_writes_files(settings, tmp_path, booked):
    settings.DEMO_MODE = True
    settings.SMS_FILE_PATH = str(tmp_path)
    FakeProvider.accepted.clear()
    sms_send()
    assert FakeProvider.accepted == []
    assert "DEMO. NEMUS:" in next(tmp_path.iterdir()).read_text()


def test_the_command_sends_and_reports(booked, provider, capsys):
    call_command("send_booking_emails")
    assert "SMS sent: 1." in capsys.readouterr().out
    assert sms_body(BookingSms.objects.get()).startswith("NEMUS: Timen din er bestilt")


def test_a_backend_path_that_does_not_import_stops_the_check(settings):
    """The backends moved from booking.sms to booking.outside.sms (issue 31): a
    setting with the old path is said at `manage.py check`, with the new one."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.SMS_BACKEND = "booking.sms.TwilioBackend"
    with pytest.raises(SystemCheckError) as refused:
        call_command("check")
    assert "SMS_BACKEND 'booking.sms.TwilioBackend' cannot be imported" in str(
        refused.value
    )
    assert "booking.outside.sms.FileBackend" in str(refused.value)
    settings.SMS_BACKEND = "booking.outside.sms.TwilioBackend"
    call_command("check")
