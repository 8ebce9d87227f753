"""The day view and soonest near me in a real browser (issue 17): checks on every
new page, the times swapped in place with JavaScript, and a patient going from the
article to a confirmation by keyboard alone, with and without JavaScript."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking.models import Booking
from clinics.hours import OSLO
from clinics.models import Profession
from tests.e2e.conftest import _new_context
from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


@pytest.fixture
def bergen(postcodes):
    """A clinic in Bergen with two practitioners and times on two days."""
    AppointmentTypeFactory()
    clinic = ClinicFactory(
        name="NEMUS Bergen",
        slug="nemus-bergen",
        town="Bergen",
        postcode="5003",
        latitude=60.39,
        longitude=5.32,
    )
    kari = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    per = PractitionerFactory(
        clinic=clinic, name="Per Fysio", profession=Profession.PHYSIOTHERAPIST
    )
    for hour in (9, 10, 11):
        SlotFactory(practitioner=kari, starts_at=at(2, hour))
        SlotFactory(practitioner=per, starts_at=at(2, hour, 30))
    SlotFactory(practitioner=per, starts_at=at(4, 14))
    return clinic


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/timebestilling/?q=5003", 200),
        ("/en/booking/?q=5003", 200),
        ("/timebestilling/?q=Atlantis", 400),
        ("/en/booking/?q=Molde", 200),
        ("/timebestilling/nemus-bergen/?vis=tid", 200),
        ("/en/booking/nemus-bergen/?vis=tid", 200),
        ("/timebestilling/nemus-bergen/?yrke=fysioterapeut&uke=0", 200),
        ("/timebestilling/nemus-bergen/?dag=2020-01-01&behandler=0", 400),
        ("/en/booking/nemus-bergen/?dag=soon", 400),
        ("/klinikker/?q=5003", 200),
        # "First time with us?" answered, or not understood.
        ("/timebestilling/?q=5003&ny=1", 200),
        ("/en/booking/?q=5003&ny=0", 200),
        ("/en/booking/?q=5003&ny=perhaps", 200),
        ("/timebestilling/?ny=1", 200),
        ("/timebestilling/nemus-bergen/?ny=1", 200),
        ("/en/booking/nemus-bergen/?ny=0", 200),
        ("/en/booking/nemus-bergen/?ny=perhaps", 400),
        ("/klinikker/nemus-bergen/", 200),
        ("/en/clinics/nemus-bergen/", 200),
    ],
)
def test_new_pages_pass_axe_vnu_and_csp(check_page, bergen, path, status):
    page = check_page(path, status=status)
    assert page.locator("h1").count() == 1


def test_days_and_filters_change_the_times_in_place(page, live_server, bergen):
    page.goto(live_server.url + "/timebestilling/nemus-bergen/")
    times = page.locator("[data-slot-day] .nm-time")
    expect(times).to_have_count(6)
    # With JavaScript the filters need no button.
    page.get_by_text("Velg timetype eller behandler").click()
    expect(page.locator("[data-slot-filter-submit]")).to_be_hidden()
    page.get_by_label("Behandler").focus()
    page.get_by_label("Behandler").select_option(label="Per Fysio (fysioterapeut)")
    expect(times).to_have_count(3)
    assert "behandler=" in page.url
    # The choice stays where it was: focus did not jump.
    expect(page.get_by_label("Behandler")).to_be_focused()
    status = page.locator("[data-slot-day-status]")
    expect(status).to_contain_text("3 ledige timer")

    # A day in the strip: the page is not reloaded, the new day is announced and
    # its link keeps the focus.
    page.evaluate("window.__sameDocument = true")
    day4 = page.locator("a.nm-strip__day").nth(1)
    day4.focus()
    page.keyboard.press("Enter")
    expect(times).to_have_count(1)
    expect(page.locator('.nm-strip__day[aria-current="date"]')).to_be_focused()
    assert page.evaluate("window.__sameDocument") is True
    assert "dag=" in page.url
    expect(status).to_contain_text("1 ledig time")
    # Back goes to the day before, still in place.
    page.go_back()
    expect(times).to_have_count(3)

    # All times together.
    page.goto(live_server.url + "/timebestilling/nemus-bergen/")
    page.get_by_role("link", name="Alle tider samlet").click()
    expect(page.locator('.nm-grouping a[aria-current="true"]')).to_have_text(
        "Alle tider samlet"
    )
    expect(times).to_have_count(6)
    expect(page.locator(".nm-day__who")).to_have_count(0)


def test_without_javascript_one_submit_applies_the_filters(
    browser, live_server, bergen
):
    context = _new_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/timebestilling/nemus-bergen/")
    page.get_by_text("Velg timetype eller behandler").click()
    page.get_by_label("Yrke").select_option(label="Fysioterapeut")
    page.get_by_role("button", name="Vis timer").click()
    assert "yrke=fysioterapeut" in page.url
    expect(page.locator("[data-slot-day] .nm-time")).to_have_count(3)
    page.locator("a.nm-strip__day").nth(1).click()
    expect(page.locator("[data-slot-day] .nm-time")).to_have_count(1)
    assert "yrke=fysioterapeut" in page.url
    context.close()


def focus_by_tab(page, matches: str, *, limit: int = 400) -> int:
    """Press Tab until the focused element matches the CSS selector `matches`; the
    number of presses (a keyboard user's way there, never a click)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(
            "selector => document.activeElement && "
            "document.activeElement.matches(selector)",
            matches,
        ):
            return presses
    raise AssertionError(f"Tab never reached {matches}")


@pytest.mark.parametrize("javascript", [True, False])
def test_from_the_article_to_a_confirmation_by_keyboard(
    browser, live_server, bergen, javascript
):
    """A reader of the article in Bergen: search the soonest times, take the first,
    fill in the form, confirmed. Activations (Enter on a link or button) outside
    the booking form: at most four."""
    context = _new_context(browser, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/plager/korsryggsmerter/")
    activations = 0

    focus_by_tab(page, 'form[action="/timebestilling/"] input[name="q"]')
    page.keyboard.type("5003")
    page.keyboard.press("Enter")  # sends the search
    activations += 1
    page.wait_for_url("**/timebestilling/?q=5003*")
    expect(page.locator("h2#results-heading")).to_have_text(
        "Første ledige timer nær 5003 Bergen"
    )

    focus_by_tab(page, "#clinic-nemus-bergen a.nm-time")
    page.keyboard.press("Enter")  # the soonest time
    activations += 1
    page.wait_for_url("**/timebestilling/nemus-bergen/*/")
    first = bergen.slots.order_by("starts_at", "practitioner__name").first()
    assert page.url.endswith(f"/timebestilling/nemus-bergen/{first.pk}/")

    # The form, by keyboard: Tab to each field, type, Space for a choice.
    answers = [
        ("appointment_type", None),
        ("name", "Tastatur Testesen"),
        ("phone", "912 34 567"),
        ("email", "tastatur@example.invalid"),
        # A returning patient (the follow-up is for them): the second answer.
        ("is_new_patient", "ArrowDown"),
        ("privacy", None),
    ]
    for name, text in answers:
        focus_by_tab(page, f'input[name="{name}"]')
        if text is None:
            page.keyboard.press("Space")
        elif text == "ArrowDown":
            page.keyboard.press(text)
        else:
            page.keyboard.type(text)
    focus_by_tab(page, 'button[type="submit"]')
    page.keyboard.press("Enter")  # the form's own submit

    page.wait_for_url("**/timebestilling/bekreftelse/")
    expect(page.locator("h1")).to_have_text("Timen er bestilt")
    booking = Booking.objects.get()
    assert booking.slot == first
    assert booking.status == "confirmed"
    assert activations <= 4
    context.close()
