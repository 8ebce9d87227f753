"""Practitioners' calendars (issue 20): busy times read from hand-written RFC 5545
files, fetched from a local HTTP server under the safe-fetching rules, withdrawing
exactly the overlapping open slots and reopening exactly those when the busy time
goes; and the private feeds out, which hold time, type and reference only."""

import datetime as dt
import gzip
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import (
    BusyCalendar,
    CalendarFeed,
    CalendarFeedFetch,
    Slot,
    WaitlistEntry,
    WaitlistOpening,
)
from booking.outside.calendars import (
    FEED_EVENT_FIELDS,
    CalendarError,
    busy_intervals,
    calendar_fetch,
    normalise_calendar_url,
    public_address,
)
from booking.selectors import calendar_conflicts
from booking.services import (
    booking_create,
    busy_calendar_sync,
    busy_calendars_sync,
    calendar_feed_rotate,
    slot_set_withdrawn,
)
from booking.services import calendars as calendar_services
from clinics.hours import OSLO
from tests.booking.conftest import PATIENT
from tests.factories import BookingFactory, PractitionerFactory, SlotFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parent.parent / "data" / "calendars"


def oslo(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=OSLO)


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


# --- Reading the files -------------------------------------------------------------


def test_the_epj_file_gives_exactly_its_busy_times():
    busy = busy_intervals(read("epj.ics"), start=oslo(2027, 1, 4), end=oslo(2027, 2, 1))
    assert busy == [
        # Weekly on Mondays at 09, but not on the 18th (EXDATE).
        (oslo(2027, 1, 4, 9), oslo(2027, 1, 4, 10)),
        # All day on the 6th, in Oslo.
        (oslo(2027, 1, 6), oslo(2027, 1, 7)),
        # Not the transparent one on the 7th, nor the cancelled one at 10 on the
        # 8th; the tentative one at 13 is busy.
        (oslo(2027, 1, 8, 13), oslo(2027, 1, 8, 13, 30)),
        (oslo(2027, 1, 11, 9), oslo(2027, 1, 11, 10)),
        # A floating time is Oslo's.
        (oslo(2027, 1, 12, 14), oslo(2027, 1, 12, 14, 30)),
        # 07.00 UTC is 08.00 in Oslo; 03.00 in New York is 09.00 here.
        (oslo(2027, 1, 13, 8), oslo(2027, 1, 13, 9)),
        (oslo(2027, 1, 14, 9), oslo(2027, 1, 14, 9, 30)),
        # Our own booking on the 15th, echoed back, is not busy.
        (oslo(2027, 1, 25, 9), oslo(2027, 1, 25, 10)),
    ]


def test_a_weekly_event_keeps_its_oslo_time_across_the_dst_change():
    busy = busy_intervals(
        read("dst.ics"), start=oslo(2027, 3, 22), end=oslo(2027, 4, 1)
    )
    assert [
        (a.astimezone(dt.UTC).hour, b.astimezone(dt.UTC).hour) for a, b in busy
    ] == [
        (9, 10),  # 10.00 CET on the 23rd
        (8, 9),  # 10.00 CEST on the 30th, after the clocks went forward
    ]


def test_an_event_every_minute_stops_with_an_error_at_once():
    started = time.monotonic()
    with pytest.raises(CalendarError, match="recurrence too frequent"):
        busy_intervals(
            read("every-minute.ics"), start=oslo(2027, 1, 4), end=oslo(2027, 3, 1)
        )
    assert time.monotonic() - started < 1


def test_an_endless_rule_stops_at_the_cap(settings):
    settings.CALENDAR_MAX_OCCURRENCES = 100
    hourly = read("dst.ics").replace(b"FREQ=WEEKLY;BYDAY=TU", b"FREQ=HOURLY")
    with pytest.raises(CalendarError, match="more than 100 events"):
        busy_intervals(hourly, start=oslo(2027, 3, 22), end=oslo(2027, 6, 1))
    # An endless weekly rule is read for the window only.
    busy = busy_intervals(
        read("dst.ics"), start=oslo(2027, 3, 22), end=oslo(2028, 1, 1)
    )
    assert len(busy) == 41


def hostile(*lines: str, events: int = 1) -> bytes:
    """A calendar of `events` events, each with the given lines (RRULEs and
    such); at 09.00 UTC on the 4th of January 2027 unless they say when."""
    when = (
        []
        if any(line.startswith("DTSTART") for line in lines)
        else [
            "DTSTART:20270104T090000Z",
            "DTEND:20270104T093000Z",
        ]
    )
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//hostile//EN"]
    for number in range(events):
        body += [
            "BEGIN:VEVENT",
            f"UID:hostile-{number}@example.invalid",
            "DTSTAMP:20261201T000000Z",
            *when,
            *lines,
            "END:VEVENT",
        ]
    return "\r\n".join([*body, "END:VCALENDAR", ""]).encode()


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["RRULE:FREQ=DAILY;INTERVAL=0"], "recurrence INTERVAL=0 never ends"),
        (["RRULE:FREQ=WEEKLY;INTERVAL=0"], "recurrence INTERVAL=0 never ends"),
        (["RRULE:FREQ=FORTNIGHTLY"], "unknown recurrence FREQ=FORTNIGHTLY"),
        (
            ["RRULE:FREQ=WEEKLY;BYDAY=MO", "RRULE:FREQ=DAILY"],
            "more than one RRULE in an event",
        ),
        (
            [
                "RRULE:FREQ=HOURLY;BYMINUTE="
                + ",".join(map(str, range(60)))
                + ";BYSECOND="
                + ",".join(map(str, range(60)))
            ],
            "recurrence too frequent",
        ),
        (["RRULE:INTERVAL=2"], "RRULE without one FREQ"),
        (["EXRULE:FREQ=DAILY;INTERVAL=0", "RRULE:FREQ=DAILY"], "never ends"),
    ],
)
def test_a_rule_that_cannot_end_is_refused_at_once(lines, reason):
    started = time.monotonic()
    with pytest.raises(CalendarError, match=re.escape(reason)):
        busy_intervals(hostile(*lines), start=oslo(2027, 1, 4), end=oslo(2027, 3, 1))
    assert time.monotonic() - started < 2


def test_a_rule_the_library_expands_for_ever_is_stopped_at_the_limit(settings):
    """A daily rule from 1900 on 200 events: the library walks each from 1900
    before it hands back anything, so only the reader's own limit stops it."""
    settings.CALENDAR_PARSE_SECONDS = 1
    data = hostile(
        "DTSTART:19000101T090000Z",
        "DTEND:19000101T093000Z",
        "RRULE:FREQ=HOURLY;BYMINUTE=" + ",".join(map(str, range(60))),
        events=200,
    )
    started = time.monotonic()
    with pytest.raises(CalendarError, match="longer than the limit of 1 s"):
        busy_intervals(data, start=oslo(2027, 1, 4), end=oslo(2027, 3, 1))
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "data", [b"", b"not a calendar", b"BEGIN:VEVENT\r\nEND:VEVENT\r\n", b"\xff" * 99]
)
def test_malformed_calendars_are_errors(data):
    with pytest.raises(CalendarError):
        busy_intervals(data, start=oslo(2027, 1, 4), end=oslo(2027, 2, 1))


# --- A local calendar server -------------------------------------------------------


class CalendarServer(BaseHTTPRequestHandler):
    """Serves `body` as the calendar; `mode` makes it misbehave."""

    body = b""
    bodies: dict = {}  # another body per calendar name (/<name>.ics)
    mode = "ok"
    etag = '"v1"'
    seen: list = []

    def do_GET(self):
        server = type(self)
        server.seen.append(dict(self.headers))
        mode = server.mode
        if mode == "500":
            self.send_response(500)
            self.end_headers()
            return
        if mode == "header-drip":
            # The status line, then a header a byte at a time, for ever (6 s).
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for byte in b"X-Slow: " + b"a" * 30:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
            return
        if mode.startswith("redirect:"):
            self.send_response(302)
            self.send_header("Location", mode.split(":", 1)[1])
            self.end_headers()
            return
        if mode == "etag" and self.headers.get("If-None-Match") == server.etag:
            self.send_response(304)
            self.end_headers()
            return
        body = server.body
        name = self.path.rsplit("/", 1)[-1].removesuffix(".ics")
        if server.bodies and name in server.bodies:
            body = server.bodies[name]
        if mode == "huge":
            body = b"X" * 6_000_000
        if mode == "bomb":
            body = gzip.compress(b"\0" * 50_000_000)
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("ETag", server.etag)
        if mode == "bomb":
            self.send_header("Content-Encoding", "gzip")
        if mode != "drip":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode in ("slow", "drip"):
            for _ in range(30):
                self.wfile.write(b"BEGIN:VCALENDAR\r\n" if mode == "drip" else b"")
                self.wfile.flush()
                time.sleep(0.2)
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    CalendarServer.body = read("epj.ics")
    CalendarServer.mode = "ok"
    CalendarServer.bodies = {}
    CalendarServer.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), CalendarServer)
    httpd.daemon_threads = True
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    CalendarServer.url = f"http://127.0.0.1:{httpd.server_port}/kari.ics"
    yield CalendarServer
    httpd.shutdown()
    httpd.server_close()


NOW = oslo(2027, 1, 1, 12)
# epj.ics in the clinic's booking window from NOW (42 days, to 12 February): six
# Mondays but not the 18th of January, and the five single busy events.
BUSY_TIMES = 10


@pytest.fixture
def kari_calendar(practitioner, server):
    """Kari's Monday 4 January 2027: 09.00, 09.30 and 10.00 (the EPJ is busy
    09–10), and a time on Tuesday 5th the calendar leaves alone."""
    slots = {
        "nine": SlotFactory(practitioner=practitioner, starts_at=oslo(2027, 1, 4, 9)),
        "half": SlotFactory(
            practitioner=practitioner, starts_at=oslo(2027, 1, 4, 9, 30)
        ),
        "ten": SlotFactory(practitioner=practitioner, starts_at=oslo(2027, 1, 4, 10)),
        "tuesday": SlotFactory(
            practitioner=practitioner, starts_at=oslo(2027, 1, 5, 9)
        ),
    }
    calendar = BusyCalendar.objects.create(practitioner=practitioner, url=server.url)
    return calendar, slots


def withdrawn(slots) -> dict[str, str]:
    return {
        name: Slot.objects.get(pk=slot.pk).withdrawn_by
        for name, slot in slots.items()
        if Slot.objects.get(pk=slot.pk).is_withdrawn
    }


def test_busy_times_withdraw_exactly_the_overlapping_slots_and_reopen_them(
    kari_calendar, server, clinic, django_capture_on_commit_callbacks
):
    calendar, slots = kari_calendar
    staff_blocked = SlotFactory(
        practitioner=calendar.practitioner, starts_at=oslo(2027, 1, 11, 9)
    )
    slot_set_withdrawn(slot_id=staff_blocked.pk, withdrawn=True)
    assert busy_calendar_sync(calendar_id=calendar.pk, now=NOW) == (2, 0)
    assert withdrawn(slots) == {"nine": "calendar", "half": "calendar"}
    calendar.refresh_from_db()
    assert calendar.last_success_at == NOW and calendar.last_error == ""
    assert calendar.busy_times.count() == BUSY_TIMES

    # The busy time goes from the EPJ: only what the calendar withdrew reopens
    # (not the time staff blocked), and the waiting list hears of it.
    WaitlistEntry.objects.create(
        clinic=clinic,
        latest_date=dt.date(2027, 2, 1),
        channel="sms",
        phone="+4791234567",
        confirmed_at=NOW,
    )
    server.body = read("empty.ics")
    with django_capture_on_commit_callbacks(execute=False):
        assert busy_calendar_sync(calendar_id=calendar.pk, now=NOW) == (0, 2)
    assert withdrawn(slots) == {}
    staff_blocked.refresh_from_db()
    assert staff_blocked.is_withdrawn and staff_blocked.withdrawn_by == "staff"
    assert set(WaitlistOpening.objects.values_list("slot_id", flat=True)) == {
        slots["nine"].pk,
        slots["half"].pk,
    }


def test_a_booked_time_is_never_touched_but_shown_as_a_conflict(
    kari_calendar, follow_up
):
    calendar, slots = kari_calendar
    booking = BookingFactory(slot=slots["nine"], appointment_type=follow_up)
    assert busy_calendar_sync(calendar_id=calendar.pk, now=NOW) == (1, 0)
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert not Slot.objects.get(pk=slots["nine"].pk).is_withdrawn
    assert list(calendar_conflicts(now=NOW)) == [booking]


def test_a_time_booked_between_the_syncs_read_and_its_withdrawal_stays_booked(
    kari_calendar, follow_up, monkeypatch
):
    """A patient books 09.00 after the sync has read the open times and while it
    weighs them against the busy ones (issue 28): the time keeps its booking and
    is not withdrawn; 09.30 is."""
    calendar, slots = kari_calendar
    weigh = calendar_services._overlapping
    booked = []

    def weigh_while_a_patient_books(intervals, starts_at, ends_at):
        if not booked:
            booked.append(
                booking_create(
                    slot_id=slots["nine"].pk,
                    appointment_type=follow_up,
                    now=NOW,
                    **PATIENT,
                )
            )
        return weigh(intervals, starts_at, ends_at)

    monkeypatch.setattr(calendar_services, "_overlapping", weigh_while_a_patient_books)
    assert busy_calendar_sync(calendar_id=calendar.pk, now=NOW) == (1, 0)
    assert withdrawn(slots) == {"half": "calendar"}
    [booking] = booked
    booking.refresh_from_db()
    assert booking.status == "confirmed" and booking.slot_id == slots["nine"].pk
    assert list(calendar_conflicts(now=NOW)) == [booking]


def test_conflicts_are_on_the_admins_front_page(admin_client, slot, follow_up):
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    calendar = BusyCalendar.objects.create(
        practitioner=slot.practitioner, url="https://epj.example/kari.ics"
    )
    calendar.busy_times.create(
        starts_at=slot.starts_at - dt.timedelta(minutes=15),
        ends_at=slot.starts_at + dt.timedelta(minutes=15),
    )
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Bestillinger på tider behandlerens kalender sier er opptatt" in page
    day = timezone.localdate(slot.starts_at).isoformat()
    assert booking.reference in page and f"?dato={day}" in page


def test_304_keeps_the_last_good_reading(kari_calendar, server):
    calendar, slots = kari_calendar
    server.mode = "etag"
    busy_calendar_sync(calendar_id=calendar.pk, now=NOW)
    assert busy_calendar_sync(calendar_id=calendar.pk, now=NOW) == (0, 0)
    assert server.seen[-1].get("If-None-Match") == '"v1"'
    assert withdrawn(slots) == {"nine": "calendar", "half": "calendar"}
    calendar.refresh_from_db()
    assert calendar.busy_times.count() == BUSY_TIMES and calendar.failures == 0


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("500", "HTTP 500"),
        ("slow", "timed out (the limit is 0.5 s)"),
        ("drip", "timed out (the limit is 0.5 s)"),
        ("huge", "too large"),
        ("bomb", "too large when unpacked"),
        ("redirect:http://10.0.0.1/kari.ics", "not an https address"),
        ("redirect:https://127.0.0.2/kari.ics", "address not allowed"),
        ("redirect:https://[::ffff:127.0.0.1]/kari.ics", "address not allowed"),
        ("redirect:https://169.254.169.254/latest/", "address not allowed"),
    ],
)
def test_a_failing_feed_keeps_the_last_good_state_and_says_why(
    kari_calendar, server, mode, reason, caplog
):
    calendar, slots = kari_calendar
    busy_calendar_sync(calendar_id=calendar.pk, now=NOW)
    server.mode = mode
    later = NOW + dt.timedelta(hours=1)
    assert busy_calendar_sync(calendar_id=calendar.pk, now=later) == (0, 0)
    calendar.refresh_from_db()
    assert calendar.last_error == reason
    assert calendar.failures == 1 and calendar.last_success_at == NOW
    assert calendar.last_attempt_at == later
    assert withdrawn(slots) == {"nine": "calendar", "half": "calendar"}
    assert calendar.busy_times.count() == BUSY_TIMES
    # The address is a secret: in no log line.
    assert "kari.ics" not in caplog.text and "127.0.0.1:" not in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.no/x.ics",
        "http://example.no/x.ics",
        "https://localhost/x.ics",
        "https://10.1.2.3/x.ics",
        "https://[::1]/x.ics",
        "https://192.168.0.1/x.ics",
        # Issue 29: ranges that passed the check (NAT64 to 127.0.0.1 and 10.0.0.1,
        # IPv4-compatible loopback, site-local).
        "https://[64:ff9b::7f00:1]/x.ics",
        "https://[64:ff9b:1::a00:1]/x.ics",
        "https://[::127.0.0.1]/x.ics",
        "https://[fec0::1]/x.ics",
    ],
)
def test_only_public_https_addresses_are_fetched(url, settings):
    settings.CALENDAR_FETCH_ALLOWED_ADDRESSES = []
    with pytest.raises(CalendarError) as error:
        calendar_fetch(url)
    assert error.value.reason in ("not an https address", "address not allowed")


@pytest.mark.parametrize(
    "address", ["64:ff9b::7f00:1", "64:ff9b:1::a00:1", "::127.0.0.1", "fec0::1"]
)
def test_the_address_check_refuses_ranges_that_lead_inside(address, settings):
    settings.CALENDAR_FETCH_ALLOWED_ADDRESSES = []
    assert not public_address(address)
    assert public_address("2a00:1450:4010:c05::64")  # a public IPv6 address


def test_webcal_is_https():
    assert normalise_calendar_url("webcal://cal.example.no/k.ics") == (
        "https://cal.example.no/k.ics"
    )


# --- Feeds out ---------------------------------------------------------------------


def test_the_feed_holds_time_type_and_reference_only_and_rotates(
    client, practitioner, follow_up
):
    booked = SlotFactory(practitioner=practitioner, starts_at=oslo(2027, 1, 4, 9))
    blocked = SlotFactory(practitioner=practitioner, starts_at=oslo(2027, 1, 4, 10))
    open_slot = SlotFactory(practitioner=practitioner, starts_at=oslo(2027, 1, 4, 11))
    booking = booking_create(slot_id=booked.pk, appointment_type=follow_up, **PATIENT)
    slot_set_withdrawn(slot_id=blocked.pk, withdrawn=True)
    feed = CalendarFeed.objects.create(practitioner=practitioner)
    url = reverse("booking:calendar_feed", kwargs={"token": feed.token})
    assert url.startswith("/timebestilling/kalender/") and url.endswith(".ics")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "no-store"
    events = list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [
        booking.calendar_uid,
        f"blocked-{blocked.pk}@nemus",
    ]
    for event in events:
        assert set(event.keys()) <= FEED_EVENT_FIELDS
    assert str(events[0]["summary"]) == f"Oppfølging {booking.reference}"
    assert events[0].decoded("dtstart") == booked.starts_at
    text = response.content.decode()
    for private in (PATIENT["name"], "912", PATIENT["email"], "Kari Rygg"):
        assert (
            private
            not in text.split("X-WR-CALNAME")[0] + text.split("BEGIN:VEVENT", 1)[1]
        )
    assert str(open_slot.pk) not in [str(e["uid"]).split("-")[1][:-6] for e in events]
    assert CalendarFeedFetch.objects.filter(feed=feed).count() == 1

    calendar_feed_rotate(feed_id=feed.pk)
    feed.refresh_from_db()
    assert client.get(url).status_code == 404
    assert (
        client.get(
            reverse("booking:calendar_feed", kwargs={"token": feed.token})
        ).status_code
        == 200
    )


def test_a_feed_needs_one_owner_and_says_so(admin_client, practitioner):
    url = reverse("admin:booking_calendarfeed_add")
    both = admin_client.post(
        url, {"practitioner": practitioner.pk, "clinic": practitioner.clinic_id}
    )
    assert "for én behandler eller én klinikk" in both.content.decode()
    assert not CalendarFeed.objects.exists()
    admin_client.post(url, {"practitioner": practitioner.pk, "clinic": ""})
    feed = CalendarFeed.objects.get()
    page = admin_client.get(
        reverse("admin:booking_calendarfeed_change", args=[feed.pk])
    )
    assert f"/timebestilling/kalender/{feed.token}.ics" in page.content.decode()


def test_headers_sent_a_byte_at_a_time_stop_at_the_fetchs_one_deadline(
    kari_calendar, server
):
    calendar, _slots = kari_calendar
    server.mode = "header-drip"
    started = time.monotonic()
    assert busy_calendar_sync(calendar_id=calendar.pk, now=NOW) == (0, 0)
    assert time.monotonic() - started < 2  # the deadline is 0.5 s here
    calendar.refresh_from_db()
    assert calendar.last_error == "timed out (the limit is 0.5 s)"
    assert calendar.failures == 1


def test_a_hostile_calendar_is_a_recorded_failure_and_the_next_is_read(
    practitioner, server, clinic, settings
):
    """The scheduled run (issue 29): each hostile calendar fails with its reason,
    naming the limit where one was hit, and every other calendar is read."""
    settings.CALENDAR_PARSE_SECONDS = 1
    cases = {
        "interval": hostile("RRULE:FREQ=DAILY;INTERVAL=0"),
        "fortnightly": hostile("RRULE:FREQ=FORTNIGHTLY"),
        "two-rules": hostile("RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY"),
        "from-1900": hostile(
            "DTSTART:19000101T090000Z",
            "DTEND:19000101T093000Z",
            "RRULE:FREQ=HOURLY;BYMINUTE=" + ",".join(map(str, range(60))),
            events=200,
        ),
        "good": read("epj.ics"),
    }
    server.bodies = cases
    calendars = {}
    for name in cases:
        owner = PractitionerFactory(clinic=clinic, name=f"Behandler {name}")
        calendars[name] = BusyCalendar.objects.create(
            practitioner=owner, url=server.url.replace("kari", name)
        )
    totals = busy_calendars_sync(now=NOW)
    assert totals["calendars"] == 5 and totals["failed"] == 4
    errors = {
        name: BusyCalendar.objects.get(pk=calendar.pk).last_error
        for name, calendar in calendars.items()
    }
    assert errors == {
        "interval": "recurrence INTERVAL=0 never ends",
        "fortnightly": "unknown recurrence FREQ=FORTNIGHTLY",
        "two-rules": "more than one RRULE in an event",
        "from-1900": "took longer than the limit of 1 s to read",
        "good": "",
    }
    assert calendars["good"].busy_times.count() == BUSY_TIMES


def test_read_now_answers_with_the_failure(admin_client, kari_calendar, server):
    calendar, _slots = kari_calendar
    server.body = hostile("RRULE:FREQ=WEEKLY;INTERVAL=0")
    response = admin_client.post(
        reverse("admin:booking_busycalendar_changelist"),
        {"action": "read_now", "_selected_action": [calendar.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "recurrence INTERVAL=0 never ends" in text
    calendar.refresh_from_db()
    assert calendar.failures == 1


def test_the_reconciliation_is_a_pure_step_of_intervals_against_slots():
    """busy_calendar_sync reads, then reconciles (issue 31): the second step needs
    no database, only the busy intervals and the slots as (id, start, end)."""

    def at(hour, minute=0):
        return dt.datetime(2026, 3, 2, hour, minute, tzinfo=OSLO)

    busy = [(at(9), at(10)), (at(13), at(13, 30))]
    open_slots = [(1, at(8, 30), at(9)), (2, at(9, 30), at(10)), (3, at(13), at(14))]
    withdrawn = [(4, at(9), at(9, 30)), (5, at(11), at(11, 30))]
    withdraw, reopen = calendar_services._reconciled(
        busy, open_slots=open_slots, calendar_withdrawn=withdrawn
    )
    assert withdraw == [2, 3]  # 8.30-9.00 only touches the busy hour
    assert reopen == [5]  # 9.00-9.30 is still busy
