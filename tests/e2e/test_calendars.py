"""A practitioner's own calendar, in a real browser (issue 20): staff set the
calendar's address (a local test server), the scheduled command reads it, the busy
time is gone from the public day view and the booking it overlaps is shown as a
conflict in the appointment book."""

import datetime as dt
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from booking.models import BusyCalendar
from booking.services import booking_create
from clinics.hours import OSLO
from tests.booking.conftest import PATIENT
from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)

PASSWORD = "et-langt-testpassord-42"


def ics(starts: dt.datetime, ends: dt.datetime) -> bytes:
    stamp = "%Y%m%dT%H%M%SZ"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//EPJ test//NO\r\n"
        "BEGIN:VEVENT\r\nUID:busy-1@epj.example\r\n"
        f"DTSTAMP:{timezone.now().astimezone(dt.UTC):{stamp}}\r\n"
        f"DTSTART:{starts.astimezone(dt.UTC):{stamp}}\r\n"
        f"DTEND:{ends.astimezone(dt.UTC):{stamp}}\r\n"
        "SUMMARY:Pasient i EPJ\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.fixture
def epj():
    class Handler(BaseHTTPRequestHandler):
        body = b""

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.end_headers()
            self.wfile.write(type(self).body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    Handler.url = f"http://127.0.0.1:{httpd.server_port}/kari.ics"
    yield Handler
    httpd.shutdown()
    httpd.server_close()


def test_staff_connect_a_calendar_and_its_busy_time_leaves_the_public_day(
    page, live_server, epj
):
    clinic = ClinicFactory(name="NEMUS Testby", slug="nemus-testby")
    kari = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    day = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=3)
    at = lambda hour, minute=0: dt.datetime.combine(  # noqa: E731
        day, dt.time(hour, minute), tzinfo=OSLO
    )
    busy_open = SlotFactory(practitioner=kari, starts_at=at(10))
    booked = SlotFactory(practitioner=kari, starts_at=at(10, 30))
    free = SlotFactory(practitioner=kari, starts_at=at(12))
    booking = booking_create(
        slot_id=booked.pk, appointment_type=AppointmentTypeFactory(), **PATIENT
    )
    epj.body = ics(at(10), at(11))
    get_user_model().objects.create_superuser("sjef", "s@example.invalid", PASSWORD)

    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Brukernavn").fill("sjef")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.goto(live_server.url + reverse("admin:booking_busycalendar_add"))
    page.get_by_label("Behandler").select_option(label=str(kari))
    page.get_by_label("Kalenderadresse").fill(epj.url)
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.locator(".messagelist .success")).to_have_count(1)
    # The address is a secret: the list shows its host only.
    assert "kari.ics" not in page.content()
    assert BusyCalendar.objects.get().url == epj.url

    output = io.StringIO()
    call_command("sync_calendars", stdout=output)
    assert "Calendars read: 1, failed: 0. Times withdrawn: 1" in output.getvalue()

    visitor = page.context.new_page()
    visitor.goto(
        live_server.url + f"/timebestilling/{clinic.slug}/?dag={day.isoformat()}"
    )
    expect(visitor.locator(f'a.nm-time[href$="/{free.pk}/"]')).to_have_count(1)
    expect(visitor.locator(f'a.nm-time[href$="/{busy_open.pk}/"]')).to_have_count(0)
    visitor.close()

    page.goto(
        live_server.url
        + reverse("admin:booking_book", args=[clinic.pk])
        + f"?dato={day.isoformat()}"
    )
    conflicts = page.locator("#calendar-conflicts")
    expect(conflicts).to_contain_text(booking.reference)
    expect(page.locator(".nm-book__conflict")).to_have_count(1)
