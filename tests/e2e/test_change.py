"""Changing the time from the e-mail's link, in a real browser (issue 18)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from booking.links import cancel_token
from booking.models import Booking
from booking.services import booking_create
from clinics.hours import OSLO
from tests.booking.conftest import PATIENT
from tests.e2e.conftest import _new_context
from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)
from tests.invitations import invitation


def at(days: int, hour: int) -> dt.datetime:
    day = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


@pytest.fixture
def booked(settings, live_server):
    settings.NEMUS_SITE_URL = live_server.url
    kind = AppointmentTypeFactory()
    clinic = ClinicFactory(name="NEMUS Testby", slug="nemus-testby")
    kari = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    old = SlotFactory(practitioner=kari, starts_at=at(3, 9))
    new = SlotFactory(practitioner=kari, starts_at=at(4, 13))
    booking = booking_create(slot_id=old.pk, appointment_type=kind, **PATIENT)
    return {"booking": booking, "old": old, "new": new, "token": cancel_token(booking)}


@pytest.mark.parametrize(
    "path",
    [
        "/timebestilling/avbestill/{token}/",
        "/timebestilling/endre/{token}/",
        "/timebestilling/endre/{token}/{new}/",
        "/en/booking/cancel/{token}/",
        "/en/booking/change/{token}/",
        "/en/booking/change/{token}/{new}/",
    ],
)
def test_change_pages_pass_axe_vnu_and_csp(check_page, booked, path):
    page = check_page(path.format(token=booked["token"], new=booked["new"].pk))
    assert page.locator("h1").count() == 1


def focus_by_tab(page, selector: str, *, limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)",
            selector,
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("javascript", [True, False])
def test_from_the_emails_link_change_the_time_by_keyboard(
    browser, live_server, booked, javascript
):
    # The link as the confirmation e-mail gave it.
    body = next(m.body for m in mail.outbox if "Endre tid eller avbestill" in m.body)
    link = re.search(r"(http://\S+/timebestilling/avbestill/\S+/)", body).group(1)
    mail.outbox.clear()

    context = _new_context(browser, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Timen din")
    # The e-mail's own token: a signed value carries its second, so it can differ
    # from one made in the fixture.
    token = link.rstrip("/").rsplit("/", 1)[1]
    focus_by_tab(page, 'a[href$="/endre/' + token + '/"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Velg ny tid")
    # The heading shows before the deferred script has run: a day pressed then is
    # a plain page load, with nothing to keep focus (it failed in CI that way).
    page.wait_for_load_state("load")
    # The new time's day in the strip, then the time.
    day = booked["new"].starts_at.astimezone(OSLO).date()
    chosen = f'a.nm-strip__day[href*="dag={day:%Y-%m-%d}"]'
    focus_by_tab(page, chosen)
    page.keyboard.press("Enter")
    # Swapped in place with JavaScript, a new page without: either way the day is
    # the current one before Tab goes on.
    expect(page.locator(chosen + '[aria-current="date"]')).to_have_count(1)
    # The swap done (when the day was the current one already, the count above
    # held before it): a time pressed during it was swapped away (it failed so).
    expect(page.locator("[data-slot-day]")).not_to_have_attribute("aria-busy", "true")
    if javascript:
        expect(page.locator(chosen + '[aria-current="date"]')).to_be_focused()
    focus_by_tab(page, f'a.nm-time[href$="/{booked["new"].pk}/"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Bekreft ny tid")
    focus_by_tab(page, 'button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Timen din har fått ny tid")
    if javascript:
        expect(page.locator("h1")).to_be_focused()
    booking = Booking.objects.get()
    assert booking.slot == booked["new"] and booking.sequence == 1
    message = mail.outbox[-1]
    method, event, _type = invitation(message)
    # The same event moved, not a second one.
    assert method == "REQUEST"
    assert str(event["uid"]) == booking.calendar_uid
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == booked["new"].starts_at
    context.close()
