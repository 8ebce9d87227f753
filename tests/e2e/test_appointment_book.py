"""Reception's day in the appointment book, in a real browser (issue 19): a
receptionist (not a superuser) lands on the book, books a phone patient, moves a
booking, blocks a time and sees it vanish from the public day view, marks a
no-show; axe finds nothing on the book and the front page."""

import datetime as dt
import importlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from booking.models import Booking, BookingAccess, ClinicStaff, Slot
from booking.services import booking_create
from clinics.hours import OSLO
from tests.booking.conftest import PATIENT
from tests.e2e.conftest import csp_violations, run_axe
from tests.factories import (
    AppointmentTypeFactory,
    BookingFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)
from tests.invitations import invitation

PASSWORD = "et-langt-testpassord-42"


def today_at(hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localtime(timezone.now(), OSLO).date()
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


@pytest.fixture
def day(settings, live_server):
    """Today at NEMUS Testby: earlier today a booked time (for a no-show), and in
    the evening, late enough to stay ahead of the test, a booked time and open ones."""
    settings.NEMUS_SITE_URL = live_server.url
    kind = AppointmentTypeFactory()
    clinic = ClinicFactory(name="NEMUS Testby", slug="nemus-testby")
    kari = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    # Earlier today: an hour ago, or at midnight in the day's first hour (an hour
    # ago would be yesterday, not in today's book).
    past = SlotFactory(
        practitioner=kari,
        starts_at=max(timezone.now() - dt.timedelta(hours=1), today_at(0)),
    )
    missed = BookingFactory(slot=past, appointment_type=kind, name="Borte Pasient")
    # Two days ahead, so every time is in the future whenever the test runs.
    start = today_at(9) + dt.timedelta(days=2)
    times = [
        SlotFactory(practitioner=kari, starts_at=start + dt.timedelta(minutes=30 * n))
        for n in range(4)
    ]
    booked = booking_create(slot_id=times[0].pk, appointment_type=kind, **PATIENT)
    user = get_user_model().objects.create_user(
        "resepsjon", "r@example.invalid", PASSWORD, is_staff=True
    )
    user.groups.add(reception_group())
    ClinicStaff.objects.create(user=user, clinic=clinic)
    return {
        "clinic": clinic,
        "missed": missed,
        "booked": booked,
        "times": times,
        "date": timezone.localdate(start).isoformat(),
    }


def reception_group():
    """The Resepsjon group as its migrations make it (live-server tests empty the
    database, groups too, after each test)."""
    group, _ = Group.objects.get_or_create(name="Resepsjon")
    granted = []
    for name in (
        "0002_appointment_types_and_reception_group",
        "0010_reception_waiting_list",
        "0013_reception_appointment_book",
    ):
        module = importlib.import_module(f"booking.migrations.{name}")
        granted += getattr(module, "RECEPTION_PERMISSIONS", None) or module.PERMISSIONS
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in granted
    )
    return group


def log_in(page, live_server):
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Brukernavn").fill("resepsjon")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def test_a_receptionist_runs_the_day_from_the_book(page, live_server, day):
    clinic = day["clinic"]
    book = live_server.url + reverse("admin:booking_book", args=[clinic.pk])
    log_in(page, live_server)
    # Lands on today's book.
    page.wait_for_url(book)
    heading = date_format(timezone.localdate(), "DAY_FORMAT").capitalize()
    assert page.locator("h2.nm-book__heading").inner_text() == heading

    # A no-show, earlier today.
    missed = day["missed"]
    when = f"{missed.slot.starts_at.astimezone(OSLO):%H.%M}"
    page.get_by_role("button", name=f"Ikke møtt {when} {missed.reference}").click()
    note = page.locator(".nm-book__undo")
    expect(note).to_contain_text("Merket som ikke møtt: ")
    missed.refresh_from_db()
    assert missed.status == "no_show"
    # A slip: undone from the note, through the services.
    note.get_by_role("button", name="Angre").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Angret: ")
    missed.refresh_from_db()
    assert missed.status == "confirmed"
    page.get_by_role("button", name=f"Ikke møtt {when} {missed.reference}").click()
    expect(page.locator(".nm-book__undo")).to_have_count(1)
    missed.refresh_from_db()
    assert missed.status == "no_show"

    # The booking day, by date.
    page.locator("#book-date").fill(day["date"])
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_url(book + f"?dato={day['date']}")
    first, second, third, fourth = day["times"]
    # The clinic's own patients by name (issue 36), each view on record.
    expect(page.locator("#book")).to_contain_text(f"{PATIENT['name']} har vært her før")
    assert BookingAccess.objects.filter(
        action="book-view", booking_id=day["booked"].pk, user__username="resepsjon"
    ).exists()

    # Book a phone patient (a landline) into the second time.
    page.get_by_role(
        "link", name=f"Bestill {second.starts_at.astimezone(OSLO):%H.%M} Kari Rygg"
    ).click()
    # One kind fits: it is chosen already, in words, with no "-----" choice.
    expect(page.get_by_label("Oppfølging")).to_be_checked()
    assert page.get_by_text("---------").count() == 0
    page.get_by_label("Pasientens fulle navn").fill("Telefon Pasient")
    page.get_by_label("Telefonnummer", exact=True).fill("22 33 44 55")
    page.get_by_role("button", name="Bestill").click()
    page.wait_for_url(book + f"?dato={day['date']}")
    phoned = Booking.objects.get(slot=second)
    assert phoned.channel == "phone" and phoned.phone == "+4722334455"
    assert phoned.reference in page.locator("#book").inner_text()

    # Move the online booking to the third time.
    booked = day["booked"]
    # Move by pointing: the book marks where it can go; nothing is chosen.
    page.get_by_role("link", name=f"Flytt {booked.reference}").click()
    expect(page.locator(".nm-book__moving-note")).to_contain_text(
        f"Flytter {booked.reference}"
    )
    # The third and the fourth: open, and Kari offers the type.
    expect(page.locator("td.nm-book__cell--target")).to_have_count(2)
    third_clock = f"{third.starts_at.astimezone(OSLO):%H.%M}"
    page.get_by_role("link", name=f"Flytt hit {third_clock} Kari Rygg").click()
    expect(page.locator(".nm-move")).to_contain_text(f"kl. {third_clock}")
    assert Booking.objects.get(pk=booked.pk).slot == first  # not yet
    page.get_by_role("button", name="Flytt timen").click()
    page.wait_for_url(book + f"?dato={day['date']}")
    booked.refresh_from_db()
    assert booked.slot == third
    # The patient's calendar moves the event it has.
    method, event, _type = invitation(mail.outbox[-1])
    assert (method, str(event["uid"]), int(event["sequence"])) == (
        "REQUEST",
        booked.calendar_uid,
        1,
    )
    assert event.decoded("dtstart") == third.starts_at

    # Block the fourth: it vanishes from the public day view.
    public = live_server.url + f"/timebestilling/{clinic.slug}/?dag={day['date']}"
    visitor = page.context.browser.new_page(locale="nb-NO")
    visitor.goto(public)
    wanted = f'a.nm-time[href$="/{fourth.pk}/"]'
    assert visitor.locator(wanted).count() == 1
    page.get_by_role(
        "button", name=f"Blokker {fourth.starts_at.astimezone(OSLO):%H.%M}"
    ).click()
    expect(page.locator(".nm-book__undo")).to_contain_text("er blokkert")
    assert Slot.objects.get(pk=fourth.pk).is_withdrawn
    visitor.goto(public)
    assert visitor.locator(wanted).count() == 0
    # The first time, freed by the move, is open to patients again.
    assert visitor.locator(f'a.nm-time[href$="/{first.pk}/"]').count() == 1
    visitor.close()

    # The clinic cancels the moved booking: the patient's calendar drops it.
    page.get_by_role(
        "button",
        name=f"Avbestill {third.starts_at.astimezone(OSLO):%H.%M} {booked.reference}",
    ).click()
    # Asked once: it erases the patient's details.
    expect(page.locator("#content")).to_contain_text("Dette kan ikke angres.")
    page.get_by_role("button", name="Ja, avbestill timen").click()
    expect(page.locator(".messagelist .success")).to_have_count(1)
    cancelled = mail.outbox[-1]
    assert cancelled.to == [PATIENT["email"]]
    assert "klinikken har dessverre måttet avbestille timen din" in cancelled.body
    method, event, _type = invitation(cancelled)
    assert (method, str(event["uid"]), int(event["sequence"])) == (
        "CANCEL",
        booked.calendar_uid,
        2,
    )
    assert str(event["organizer"]).startswith("mailto:")
    assert csp_violations(page) == []


@pytest.mark.parametrize("where", ["book", "front page"])
def test_the_book_and_the_front_page_pass_axe(axe_page, live_server, day, where):
    log_in(axe_page, live_server)
    axe_page.wait_for_load_state("load")
    if where == "book":
        axe_page.goto(
            live_server.url
            + reverse("admin:booking_book", args=[day["clinic"].pk])
            + f"?dato={day['date']}"
        )
        assert axe_page.locator(".nm-book__grid").count() == 1
        assert run_axe(axe_page) == []
        # The move view and its confirm.
        booked = day["booked"]
        axe_page.get_by_role("link", name=f"Flytt {booked.reference}").click()
        expect(axe_page.locator("td.nm-book__cell--target")).to_have_count(3)
        assert run_axe(axe_page) == []
        axe_page.locator("a.nm-book__target").first.click()
        expect(axe_page.locator(".nm-move")).to_have_count(1)
        assert run_axe(axe_page) == []
        axe_page.get_by_role("link", name="Ikke flytt").click()
        # With the note of an action to undo, and the question before a cancel.
        fourth = day["times"][3]
        axe_page.get_by_role(
            "button", name=f"Blokker {fourth.starts_at.astimezone(OSLO):%H.%M}"
        ).click()
        expect(axe_page.locator(".nm-book__undo")).to_have_count(1)
        assert run_axe(axe_page) == []
        axe_page.get_by_role(
            "button",
            name=f"Avbestill {booked.slot.starts_at.astimezone(OSLO):%H.%M} "
            f"{booked.reference}",
        ).click()
        expect(axe_page.locator("#content")).to_contain_text("Dette kan ikke angres.")
    else:
        axe_page.goto(live_server.url + reverse("admin:index") + "?liste=1")
        assert axe_page.locator("#content-main").count() == 1
    assert run_axe(axe_page) == []


def test_the_day_list_prints_a_page_per_practitioner(page, live_server, day):
    clinic = day["clinic"]
    per = PractitionerFactory(clinic=clinic, name="Per Fysio")
    start = day["times"][0].starts_at
    theirs = SlotFactory(practitioner=per, starts_at=start)
    BookingFactory(slot=theirs, appointment_type=day["booked"].appointment_type)
    log_in(page, live_server)
    page.goto(
        live_server.url
        + reverse("admin:booking_booking_day_list")
        + f"?date={day['date']}"
    )
    expect(page.locator(".nm-day-list__part")).to_have_count(2)
    expect(page.locator(".nm-day-list__part").first).to_contain_text(day["booked"].name)
    pdf = page.pdf(format="A4")
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    assert len(pages) == 2
    # No admin chrome on paper.
    page.emulate_media(media="print")
    for chrome in ("#header", ".breadcrumbs", "#toggle-nav-sidebar"):
        for element in page.locator(chrome).all():
            assert not element.is_visible(), chrome
    expect(page.locator(".nm-day-list__part").first).to_be_visible()


def test_a_45_minute_appointment_spans_its_rows(page, live_server, day):
    kari = day["times"][0].practitioner
    start = day["times"][-1].starts_at + dt.timedelta(hours=1)
    long = SlotFactory(
        practitioner=kari, starts_at=start, ends_at=start + dt.timedelta(minutes=45)
    )
    BookingFactory(
        slot=long, appointment_type=day["booked"].appointment_type, name="Lang Time"
    )
    log_in(page, live_server)
    page.goto(
        live_server.url
        + reverse("admin:booking_book", args=[day["clinic"].pk])
        + f"?dato={day['date']}"
    )
    long_cell = page.locator("td.nm-book__cell--booked", has_text="Lang Time")
    short_cell = page.locator("td.nm-book__cell--booked", has_text=PATIENT["name"])
    assert long_cell.get_attribute("rowspan") == "3"
    assert short_cell.get_attribute("rowspan") == "2"
    # To scale: half again as tall.
    ratio = long_cell.bounding_box()["height"] / short_cell.bounding_box()["height"]
    assert 1.4 < ratio < 1.6, ratio


def test_a_course_of_six_weeks_with_one_taken_meanwhile(
    axe_page, live_server, day, settings
):
    page = axe_page
    booked = day["booked"]
    kari = booked.slot.practitioner
    weeks = [
        SlotFactory(
            practitioner=kari,
            starts_at=booked.slot.starts_at + dt.timedelta(weeks=n),
        )
        for n in range(1, 7)
    ]
    log_in(page, live_server)
    page.goto(
        live_server.url
        + reverse("admin:booking_book", args=[day["clinic"].pk])
        + f"?dato={day['date']}"
    )
    page.get_by_role("link", name=f"Bestill serie {booked.reference}").click()
    page.get_by_label("Hvor mange ganger").select_option("6")
    page.get_by_role("button", name="Vis timene").click()
    expect(page.locator('input[name="tider"]:checked')).to_have_count(6)
    assert run_axe(page) == []
    # A patient books the third week online while reception looks.
    booking_create(
        slot_id=weeks[2].pk,
        appointment_type=booked.appointment_type,
        **{**PATIENT, "name": "Nett Pasient", "phone": "41234599", "email": ""},
    )
    page.get_by_role("button", name="Bestill de valgte tidene").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Bestilt 5: ")
    expect(page.locator(".messagelist .error")).to_contain_text("Ikke bestilt: ")
    for n, slot in enumerate(weeks):
        names = list(
            slot.bookings.filter(status="confirmed").values_list("name", flat=True)
        )
        assert names == (["Nett Pasient"] if n == 2 else [booked.name])
    assert run_axe(page) == []


def test_a_returning_patient_is_found_by_number_and_booked(axe_page, live_server, day):
    page = axe_page
    booked = day["booked"]  # Test Testesen, 912 34 567, as PATIENT
    free = day["times"][3]
    log_in(page, live_server)
    page.goto(
        live_server.url
        + reverse("admin:booking_book_slot", args=[day["clinic"].pk, free.pk])
    )
    page.get_by_label("Tidligere pasient? Hele telefonnummeret").fill("912 34 567")
    page.get_by_role("button", name="Finn", exact=True).click()
    found = page.locator(".nm-lookup__found")
    expect(found).to_contain_text(f"{booked.name} · t***@e***.invalid")
    assert run_axe(page) == []
    found.get_by_role("link", name=f"Velg {booked.name}").click()
    expect(page.get_by_label("Pasientens fulle navn")).to_have_value(booked.name)
    expect(page.get_by_label("E-post")).to_have_value(booked.email)
    page.get_by_role("button", name="Bestill", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("Bestilt ")
    again = Booking.objects.get(slot=free)
    assert (again.name, again.phone, again.channel) == (
        booked.name,
        booked.phone,
        "phone",
    )
