import datetime as dt
import re

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from booking.models import AppointmentType, Booking, Slot
from booking.services import booking_create
from tests.booking.conftest import PATIENT
from tests.e2e.conftest import csp_violations, run_axe
from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)
from tests.invitations import invitation


@pytest.fixture
def open_slot():
    clinic = ClinicFactory(
        name="NEMUS Testby", slug="nemus-testby", phone="22 00 00 99"
    )
    AppointmentTypeFactory()
    practitioner = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    start = (timezone.now() + dt.timedelta(days=3)).replace(
        minute=0, second=0, microsecond=0
    )
    return SlotFactory(practitioner=practitioner, starts_at=start)


def fill_booking_form(page, *, name, email, phone="41234567"):
    """A returning patient's answers on the booking form (a follow-up), ready to
    send."""
    page.get_by_label("Oppfølging").check()
    page.get_by_label("Fullt navn").fill(name)
    page.get_by_label("Mobilnummer").fill(phone)
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Ja", exact=True).check()
    page.get_by_label("Jeg har lest").check()


def checked(page, html_checker, name):
    """axe and (at the end of the session) vnu on what the page shows now."""
    html_checker.add(name, page.content())
    assert run_axe(page) == [], name


def test_book_receive_the_email_and_cancel(
    axe_page, live_server, html_checker, open_slot, settings
):
    settings.NEMUS_SITE_URL = live_server.url
    page = axe_page
    page.goto(live_server.url + "/timebestilling/")
    checked(page, html_checker, "booking start")
    page.get_by_role("link", name="NEMUS Testby").click()
    checked(page, html_checker, "slot list")
    page.locator("[data-slot-day] a.nm-time").first.click()
    checked(page, html_checker, "booking form")

    # First with a mistake, by keyboard alone: the summary gets focus.
    fill_booking_form(
        page, name="Test Testesen", email="test@example.invalid", phone="123"
    )
    page.get_by_label("Fullt navn").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".nm-error-summary")
    # The deferred script moves focus to the summary once the page has loaded.
    expect(page.locator(".nm-error-summary")).to_be_focused(timeout=5000)
    checked(page, html_checker, "booking form with errors")

    page.get_by_label("Mobilnummer").fill("912 34 567")
    page.get_by_label("Jeg har lest").check()
    page.get_by_role("button", name="Bestill timen").click()
    page.wait_for_url(live_server.url + "/timebestilling/bekreftelse/")
    assert page.locator("h1").inner_text() == "Timen er bestilt"
    checked(page, html_checker, "confirmation")

    message = mail.outbox[-1]
    calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart") == open_slot.starts_at
    assert str(event["location"]) == "Testgata 1, 0150 Testby" or "Testgata 1" in str(
        event["location"]
    )
    cancel_url = re.search(
        r"(http://\S+/timebestilling/avbestill/\S+/)", message.body
    ).group(1)

    page.goto(cancel_url)
    checked(page, html_checker, "cancel")
    page.get_by_role("button", name="Ja, avbestill timen").click()
    assert page.locator("h1").inner_text() == "Timen er avbestilt"
    checked(page, html_checker, "cancelled")
    assert Booking.objects.get().status == "cancelled"
    # The e-mail takes the confirmation's event out of the patient's calendar.
    cancelled = mail.outbox[-1]
    assert cancelled.to == ["test@example.invalid"]
    assert "du har avbestilt timen din" in cancelled.body
    method, cancel_event, _type = invitation(cancelled)
    assert method == "CANCEL"
    assert str(cancel_event["uid"]) == str(event["uid"])
    assert int(cancel_event["sequence"]) > int(event["sequence"])
    assert str(cancel_event["organizer"]) == "mailto:ikke-svar@nemus.no"
    assert str(cancel_event["attendee"]) == "mailto:test@example.invalid"

    page.goto(live_server.url + "/timebestilling/nemus-testby/")
    assert (
        page.locator(f'a[href="/timebestilling/nemus-testby/{open_slot.pk}/"]').count()
        >= 1
    )


def test_the_flow_works_without_javascript(
    browser, live_server, open_slot, django_capture_on_commit_callbacks
):
    context = browser.new_context(locale="nb-NO", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/timebestilling/nemus-testby/{open_slot.pk}/")
    fill_booking_form(page, name="Uten Skript", email="uten@example.invalid")
    page.get_by_role("button", name="Bestill timen").click()
    assert page.locator("h1").inner_text() == "Timen er bestilt"
    assert Booking.objects.filter(status="confirmed").count() == 1
    context.close()


def test_the_no_slots_fallback_shows_the_phone(check_page):
    ClinicFactory(name="NEMUS Tom", slug="nemus-tom", phone="22 00 00 42")
    page = check_page("/timebestilling/nemus-tom/")
    link = page.locator("#no-times a.nm-phone-link")
    assert link.get_attribute("href") == "tel:22000042"
    assert csp_violations(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/timebestilling/",
        "/en/booking/",
        "/timebestilling/nemus-testby/",
        "/en/booking/nemus-testby/",
    ],
)
def test_booking_pages_pass_axe_vnu_and_csp(check_page, open_slot, path):
    page = check_page(path)
    assert page.locator("h1").count() == 1
    assert Slot.objects.count() == 1


def test_a_time_taken_meanwhile_is_said_and_focused_and_the_form_kept(
    axe_page, live_server, open_slot, html_checker
):
    page = axe_page
    nearby = SlotFactory(
        practitioner=open_slot.practitioner,
        starts_at=open_slot.starts_at + dt.timedelta(hours=1),
    )
    page.goto(f"{live_server.url}/timebestilling/nemus-testby/{open_slot.pk}/")
    fill_booking_form(page, name="For Sent", email="sent@example.invalid")
    # Someone else books it while this patient types.
    booking_create(
        slot_id=open_slot.pk,
        appointment_type=AppointmentType.objects.get(slug="oppfolging"),
        **PATIENT,
    )
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Bestill timen").click()
    assert answer.value.status == 409
    heading = page.locator("h1")
    expect(heading).to_have_text("Noen andre bestilte den tiden like før deg.")
    # The deferred script moves focus to it, so a screen reader says it at once.
    expect(heading).to_be_focused(timeout=5000)
    checked(page, html_checker, "time taken meanwhile")
    # What was typed is kept in the page, never in its address.
    assert "For" not in page.url
    expect(page.locator('input[type=hidden][name="name"]')).to_have_value("For Sent")
    # One tap on the time nearby: the form for it, filled in; nothing booked yet.
    page.locator(f'button[formaction$="/{nearby.pk}/"]').click()
    expect(page.locator("h1")).to_have_text("Dine opplysninger")
    expect(page.get_by_label("Fullt navn")).to_have_value("For Sent")
    expect(page.get_by_label("E-post")).to_have_value("sent@example.invalid")
    expect(page.get_by_label("Oppfølging")).to_be_checked()
    assert not Booking.objects.filter(slot=nearby).exists()
    checked(page, html_checker, "form filled in after a lost race")
    page.get_by_role("button", name="Bestill timen").click()
    expect(page.locator("h1")).to_have_text("Timen er bestilt")
    assert Booking.objects.get(slot=nearby).name == "For Sent"


@pytest.fixture
def kinds_for_whom():
    """A first consultation (45 min, for everyone) and a follow-up (30 min, for
    returning patients), as the production migration makes them."""
    first = AppointmentTypeFactory(
        slug="forstegangskonsultasjon",
        name_nb="Førstegangskonsultasjon",
        name_en="First consultation",
        duration_minutes=45,
        price_nok=890,
    )
    follow_up = AppointmentTypeFactory()
    AppointmentType.objects.filter(pk=follow_up.pk).update(audience="returning")
    return first, follow_up


def long_slot(clinic_slug="nemus-testby"):
    practitioner = PractitionerFactory(
        clinic=ClinicFactory(name="NEMUS Testby", slug=clinic_slug),
        name="Kari Rygg",
    )
    start = (timezone.now() + dt.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return SlotFactory(
        practitioner=practitioner,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
    )


def test_a_new_patient_is_never_offered_a_follow_up_and_a_forged_one_is_refused(
    axe_page, live_server, kinds_for_whom, html_checker
):
    page = axe_page
    slot = long_slot()
    url = f"{live_server.url}/timebestilling/nemus-testby/{slot.pk}/"
    page.goto(url + "?ny=1")
    assert page.get_by_label("Førstegangskonsultasjon", exact=False).count() == 1
    assert page.get_by_label("Oppfølging", exact=False).count() == 0
    expect(page.get_by_label("Nei, jeg er ny pasient")).to_be_checked()
    checked(page, html_checker, "form for a new patient")
    # The form as a browser would send it, with the follow-up put back by hand.
    token = page.locator("input[name=csrfmiddlewaretoken]").input_value()
    answer = page.request.post(
        url,
        form={
            "csrfmiddlewaretoken": token,
            "appointment_type": "oppfolging",
            "name": "Ny Pasient",
            "phone": "41234567",
            "email": "ny@example.invalid",
            "is_new_patient": "ny",
            "privacy": "on",
        },
        headers={"Referer": url},
    )
    assert answer.status == 400
    assert "Som ny pasient velger du en førstegangskonsultasjon." in answer.text()
    assert not Booking.objects.exists()


def test_a_returning_patient_books_a_follow_up_and_is_told_the_change_deadline(
    axe_page, live_server, kinds_for_whom
):
    page = axe_page
    slot = long_slot()
    page.goto(f"{live_server.url}/timebestilling/nemus-testby/{slot.pk}/?ny=0")
    rule = page.locator(".nm-change-rule")
    expect(rule).to_contain_text("Du kan endre eller avbestille på nett til")
    expect(rule).to_contain_text("Etter det: ring klinikken.")
    fill_booking_form(page, name="Tidligere Pasient", email="t@example.invalid")
    page.get_by_role("button", name="Bestill timen").click()
    expect(page.locator("h1")).to_have_text("Timen er bestilt")
    booking = Booking.objects.get()
    assert booking.appointment_type.slug == "oppfolging"
    assert booking.is_new_patient is False
    expect(page.locator(".nm-change-rule")).to_contain_text(
        "Etter det: ring klinikken."
    )


def test_in_english_a_new_patient_books_a_first_consultation_and_is_told_the_rules(
    axe_page, live_server, kinds_for_whom, html_checker
):
    page = axe_page
    slot = long_slot()
    page.goto(f"{live_server.url}/en/booking/nemus-testby/?ny=1")
    expect(page.locator(".nm-first-time")).to_contain_text(
        "The times below are for a first consultation (45 min)."
    )
    checked(page, html_checker, "day view for a new patient, en")
    page.locator("[data-slot-day] .nm-time").first.click()
    expect(page.get_by_label("No, I am a new patient")).to_be_checked()
    assert page.get_by_label("Follow-up", exact=False).count() == 0
    rule = page.locator(".nm-change-rule")
    expect(rule).to_contain_text("You can change or cancel online until")
    checked(page, html_checker, "form for a new patient, en")
    page.get_by_label("Full name").fill("New Patient")
    page.get_by_label("Mobile number").fill("41234567")
    page.get_by_label("E-mail").fill("new@example.invalid")
    page.get_by_label("I have read").check()
    page.get_by_role("button", name="Book the appointment").click()
    expect(page.locator("h1")).to_have_text("Your appointment is booked")
    expect(page.locator(".nm-change-rule")).to_contain_text(
        "After that, call the clinic."
    )
    checked(page, html_checker, "confirmation, en")
    booking = Booking.objects.get()
    assert booking.slot_id == slot.pk
    assert booking.appointment_type.slug == "forstegangskonsultasjon"
    assert booking.is_new_patient is True


def test_in_english_a_time_taken_meanwhile_keeps_the_form(
    axe_page, live_server, open_slot, html_checker
):
    page = axe_page
    SlotFactory(
        practitioner=open_slot.practitioner,
        starts_at=open_slot.starts_at + dt.timedelta(hours=1),
    )
    page.goto(f"{live_server.url}/en/booking/nemus-testby/{open_slot.pk}/")
    page.get_by_label("Follow-up").check()
    page.get_by_label("Full name").fill("Late Patient")
    page.get_by_label("Mobile number").fill("41234567")
    page.get_by_label("E-mail").fill("late@example.invalid")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("I have read").check()
    booking_create(
        slot_id=open_slot.pk,
        appointment_type=AppointmentType.objects.get(slug="oppfolging"),
        **PATIENT,
    )
    page.get_by_role("button", name="Book the appointment").click()
    expect(page.locator("h1")).to_have_text(
        "Someone else booked that appointment just before you."
    )
    expect(
        page.get_by_role("heading", name="Other times with Kari Rygg")
    ).to_be_visible()
    checked(page, html_checker, "time taken meanwhile, en")
    page.locator("button.nm-time").first.click()
    expect(page.get_by_label("Full name")).to_have_value("Late Patient")
    checked(page, html_checker, "form filled in after a lost race, en")
    assert Booking.objects.count() == 1
