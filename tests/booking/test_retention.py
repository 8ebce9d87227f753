"""Personal data kept no longer than the words say: the confirmation page for a few
minutes, and the purge command for the rest."""

import datetime as dt
import os
import time
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
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
    client, settings, slot, follow_up, django_capture_on_commit_callbacks
):
    settings.BOOKING_CONFIRMATION_MINUTES = 15
    with translation.override("nb"):
        url = reverse(
            "booking:book", kwargs={"clinic": slot.clinic.slug, "slot_id": slot.pk}
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, FORM)
    assert Booking.objects.count() == 1
    page = client.get("/timebestilling/bekreftelse/").content.decode()
    assert FORM["email"] in page
    session = client.session
    stored = session["booking_confirmation"]
    stored["at"] -= 16 * 60
    session["booking_confirmation"] = stored
    session.save()
    page = client.get("/timebestilling/bekreftelse/").content.decode()
    assert FORM["email"] not in page
    assert FORM["name"] not in page
    assert "Bekreftelsen vises ikke lenger her" in page
    # And it is gone from the session: the next visit starts over.
    assert client.get("/timebestilling/bekreftelse/").status_code == 302


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
