"""Personal data kept no longer than the words say: the confirmation page for a few
minutes, and the purge command for the rest."""

import datetime as dt
import os
import time
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from booking.models import Booking, CalendarFeed, CalendarFeedFetch
from tests.booking.test_views import FORM

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("argument", ["--days=-60", "--days=0", "--days=99999"])
def test_purge_refuses_absurd_days_and_deletes_nothing(argument, slot, follow_up):
    with pytest.raises(CommandError, match="between 1 and 3650 days"):
        call_command("purge_bookings", argument, stdout=StringIO())


def test_purge_removes_old_mail_files_and_expired_sessions(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    old, new = tmp_path / "old.log", tmp_path / "new.log"
    old.write_text("Hei Kari")
    new.write_text("Hei Ola")
    forty_days_ago = time.time() - 40 * 86400
    os.utime(old, (forty_days_ago, forty_days_ago))
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )
    live = SessionStore()
    live.create()
    out = StringIO()
    call_command("purge_bookings", "--days=30", stdout=out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["new.log"]
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        live.session_key
    ]
    assert "Deleted 1 e-mail files older than 30 days." in out.getvalue()
    assert "Deleted 1 expired sessions." in out.getvalue()


def test_the_confirmation_shows_details_for_minutes_only(
    client, settings, slot, follow_up, django_capture_on_commit_callbacks, monkeypatch
):
    settings.BOOKING_CONFIRMATION_MINUTES = 15
    with translation.override("nb"):
        url = reverse(
            "booking:book", kwargs={"clinic": slot.clinic.slug, "slot_id": slot.pk}
        )
    with django_capture_on_commit_callbacks(execute=True):
        booked = client.post(url, FORM)
    assert Booking.objects.count() == 1
    # A cookie that lives as long as the page may show the details; no session.
    cookie = booked.cookies["booked"]
    assert cookie["max-age"] == 15 * 60
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert FORM["email"] not in cookie.value and FORM["name"] not in cookie.value
    assert Session.objects.count() == 0
    page = client.get("/timebestilling/bekreftelse/").content.decode()
    assert FORM["email"] in page
    # Sixteen minutes later (a browser that kept the cookie longer than asked).
    later = time.time() + 16 * 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get("/timebestilling/bekreftelse/")
    page = response.content.decode()
    assert FORM["email"] not in page
    assert FORM["name"] not in page
    assert "Bekreftelsen vises ikke lenger her" in page
    # And it is gone from the browser: the next visit starts over.
    assert response.cookies["booked"].value == ""
    assert client.get("/timebestilling/bekreftelse/").status_code == 302


def test_a_confirmation_cookie_forged_or_for_another_booking_shows_nothing(
    client, slot, follow_up
):
    """The cookie is signed and names the booking's key: a changed id, a made-up
    value or another booking's id with this key's digest lead back to the start."""
    with translation.override("nb"):
        url = reverse(
            "booking:book", kwargs={"clinic": slot.clinic.slug, "slot_id": slot.pk}
        )
    value = client.post(url, FORM).cookies["booked"].value
    booking = Booking.objects.get()
    request = RequestFactory().get("/")
    request.COOKIES["booked"] = value
    stored = request.get_signed_cookie("booked", salt="booking.confirmation")
    pk, _digest = stored.split(":")
    assert pk == str(booking.pk)
    # Signed as ours, but naming this booking with a digest not of its key.
    other = HttpResponse()
    other.set_signed_cookie(
        "booked", f"{pk}:{'0' * 24}", salt="booking.confirmation", max_age=900
    )
    forged = [
        value.replace(f"{pk}:", f"{int(pk) + 1}:", 1),
        "1:abc",
        value[:-2] + "xx",
        other.cookies["booked"].value,
    ]
    for cookie in forged:
        client.cookies["booked"] = cookie
        response = client.get("/timebestilling/bekreftelse/")
        assert response.status_code == 302, cookie
        assert FORM["email"] not in response.content.decode()
    client.cookies["booked"] = value
    assert FORM["email"] in client.get("/timebestilling/bekreftelse/").content.decode()


def test_purge_removes_old_sms_files_and_feed_fetches(settings, tmp_path, practitioner):
    """Issue 29: SMS files (a number and a text each) were never purged, nor the
    counts of feed fetches."""
    settings.SMS_BACKEND = "booking.outside.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    settings.CALENDAR_FEED_FETCH_RETENTION_DAYS = 90
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("To: +4791234567")
    new.write_text("To: +4791234568")
    forty_days_ago = time.time() - 40 * 86400
    os.utime(old, (forty_days_ago, forty_days_ago))
    feed = CalendarFeed.objects.create(practitioner=practitioner)
    stale, fresh = (CalendarFeedFetch.objects.create(feed=feed) for _ in range(2))
    CalendarFeedFetch.objects.filter(pk=stale.pk).update(
        at=timezone.now() - dt.timedelta(days=91)
    )
    out = StringIO()
    call_command("purge_bookings", "--days=30", stdout=out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["new.txt"]
    assert list(CalendarFeedFetch.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert "Deleted 1 SMS files older than 30 days." in out.getvalue()
    assert "Deleted 1 calendar feed fetches older than 90 days." in out.getvalue()
