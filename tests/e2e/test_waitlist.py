"""Joining the waiting list on a clinic without times, in a real browser (issue 18):
by keyboard from the day view to a confirmed place; every page clean in axe and
the Nu checker, in Norwegian and English."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking.links import waitlist_token
from booking.models import WaitlistEntry, WaitlistOffer
from booking.outside.sms import MemoryBackend
from booking.services import waitlist_code
from clinics.hours import OSLO
from tests.e2e.conftest import _new_context
from tests.e2e.test_change import focus_by_tab
from tests.factories import ClinicFactory, PractitionerFactory, SlotFactory


@pytest.fixture
def empty_clinic(settings, live_server):
    """A clinic whose practitioner has no open time."""
    settings.NEMUS_SITE_URL = live_server.url
    clinic = ClinicFactory(name="NEMUS Tomby", slug="nemus-tomby")
    PractitionerFactory(clinic=clinic, name="Kari Rygg")
    return clinic


@pytest.fixture
def entries(empty_clinic):
    """An unconfirmed SMS entry, and a confirmed one with a time offered."""
    practitioner = empty_clinic.practitioners.get()
    today = timezone.localtime(timezone.now(), OSLO).date()
    waiting = WaitlistEntry.objects.create(
        clinic=empty_clinic,
        latest_date=today + dt.timedelta(days=10),
        channel="sms",
        phone="+4791234501",
        code_sent_at=timezone.now(),
    )
    offered = WaitlistEntry.objects.create(
        clinic=empty_clinic,
        practitioner=practitioner,
        latest_date=today + dt.timedelta(days=10),
        channel="email",
        email="pasient@example.invalid",
        confirmed_at=timezone.now(),
    )
    starts = dt.datetime.combine(today + dt.timedelta(days=3), dt.time(10), OSLO)
    slot = SlotFactory(practitioner=practitioner, starts_at=starts)
    WaitlistOffer.objects.create(entry=offered, slot=slot)
    return {
        "waiting": waitlist_token(waiting, proof=False),
        "offered": waitlist_token(offered, proof=True),
    }


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/timebestilling/nemus-tomby/", 200),
        ("/timebestilling/nemus-tomby/venteliste/", 200),
        ("/timebestilling/venteliste/{waiting}/", 200),
        ("/timebestilling/venteliste/{offered}/", 200),
        ("/timebestilling/venteliste/ukjent/", 404),
        ("/en/booking/nemus-tomby/waiting-list/", 200),
        ("/en/booking/waiting-list/{waiting}/", 200),
        ("/en/booking/waiting-list/{offered}/", 200),
    ],
)
def test_waiting_list_pages_pass_axe_vnu_and_csp(check_page, entries, path, status):
    page = check_page(path.format(**entries), status=status)
    assert page.locator("h1").count() == 1


def test_join_the_waiting_list_by_keyboard_on_a_clinic_without_times(
    browser, live_server, empty_clinic
):
    MemoryBackend.outbox.clear()
    context = _new_context(browser)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/timebestilling/nemus-tomby/")
    expect(page.locator("#no-times")).to_be_visible()
    focus_by_tab(page, 'a[href$="/nemus-tomby/venteliste/"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Venteliste ved NEMUS Tomby")
    # The last day comes filled in; SMS is chosen; only the number is typed.
    focus_by_tab(page, "#id_phone")
    page.keyboard.type("912 34 567")
    focus_by_tab(page, 'button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Bekreft plassen din på ventelisten")
    entry = WaitlistEntry.objects.get()
    ((to, text, _key),) = MemoryBackend.outbox
    assert to == "+4791234567" and waitlist_code(entry) in text
    focus_by_tab(page, "#id_code")
    page.keyboard.type(waitlist_code(entry))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Du står på ventelisten")
    expect(page.locator("h1")).to_be_focused()
    entry.refresh_from_db()
    assert entry.confirmed_at is not None
    # Nothing personal in any address the browser went to.
    assert "912" not in page.url
    context.close()
