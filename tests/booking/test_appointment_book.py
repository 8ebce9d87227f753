"""The appointment book (issue 19): a clinic's day with a column per practitioner,
what each time is, reception's actions through the services, a stale view answered
with what changed, only the user's own clinic, and a constant number of queries."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import (
    Booking,
    BookingAccess,
    BookingSms,
    ScheduleException,
    Slot,
)
from booking.services import booking_create
from clinics.hours import OSLO
from clinics.models import Profession
from tests.booking.conftest import PATIENT, begun_today, oslo
from tests.factories import (
    AppointmentTypeFactory,
    BookingFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)
from tests.text import page_text

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return page_text(response.content.decode())


@pytest.fixture
def day3(clinic, practitioner, follow_up):
    """Day 3: Kari's 09 booked, 10 open, 11 blocked; Per (away) has a slot."""
    per = PractitionerFactory(
        clinic=clinic, name="Per Fysio", profession=Profession.PHYSIOTHERAPIST
    )
    booked = SlotFactory(practitioner=practitioner, starts_at=oslo(3, 9))
    booking = booking_create(slot_id=booked.pk, appointment_type=follow_up, **PATIENT)
    day = oslo(3, 0).date()
    ScheduleException.objects.create(practitioner=per, starts_on=day, ends_on=day)
    return {
        "booking": booking,
        "open": SlotFactory(practitioner=practitioner, starts_at=oslo(3, 10)),
        "blocked": SlotFactory(
            practitioner=practitioner, starts_at=oslo(3, 11), is_withdrawn=True
        ),
        "away": SlotFactory(practitioner=per, starts_at=oslo(3, 12), is_withdrawn=True),
        "url": reverse("admin:booking_book", args=[clinic.pk])
        + f"?dato={day.isoformat()}",
    }


def state_of(response, slot) -> str:
    """The token the book gave a time's actions."""
    html = response.content.decode()
    marker = f'name="slot" value="{slot.pk}"><input type="hidden" name="state" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_the_book_shows_each_time_and_the_clinics_patients_by_name(
    client, reception, day3
):
    """Issue 36 changed issue 19's rule: the clinic's own staff see its patients'
    names in its book (new or returning, type, reference), and every view is on
    record, per booking shown."""
    response = client.get(day3["url"])
    assert response.status_code == 200
    text = text_of(response)
    # Per is away all day: named in a note, not an empty column.
    assert "Ikke på jobb denne dagen: Per Fysio (borte)" in text
    assert text.count("Per Fysio") == 1
    # Kari's times to scale: rows of 15 minutes, the gap between two a break.
    assert (
        f"09.00 bestilt –09.30 {PATIENT['name']} har vært her før · Oppfølging"
    ) in text
    assert day3["booking"].reference in text
    assert "10.00 åpen –10.30" in text
    assert "10.30 pause 10.45 11.00 blokkert –11.30" in text
    # The number and address only on the booking's own page.
    assert "912" not in response.content.decode()
    assert PATIENT["email"] not in response.content.decode()
    seen = BookingAccess.objects.get()
    assert (seen.action, seen.booking_id, seen.booking_key, seen.user) == (
        "book-view",
        day3["booking"].pk,
        day3["booking"].key,
        reception,
    )
    page = client.get(
        reverse("admin:booking_booking_change", args=[day3["booking"].pk])
    )
    assert PATIENT["name"] in text_of(page)
    assert list(BookingAccess.objects.values_list("action", flat=True)) == [
        "view",
        "book-view",
    ]


def test_each_view_records_the_bookings_it_showed_and_only_those(
    client, reception, day3, practitioner, follow_up
):
    later = SlotFactory(practitioner=practitioner, starts_at=oslo(3, 14))
    client.get(day3["url"])
    # Booked after the first view: the second shows it, the first did not.
    second = booking_create(
        slot_id=later.pk,
        appointment_type=follow_up,
        **{**PATIENT, "name": "Andre Pasient", "phone": "41234567"},
    )
    assert "Andre Pasient" in text_of(client.get(day3["url"]))
    views = list(
        BookingAccess.objects.filter(action="book-view")
        .order_by("pk")
        .values_list("booking_id", flat=True)
    )
    assert views == [day3["booking"].pk, day3["booking"].pk, second.pk]


def test_a_superuser_who_is_not_staff_of_the_clinic_sees_no_names(admin_client, day3):
    response = admin_client.get(day3["url"])
    assert response.status_code == 200
    text = text_of(response)
    assert day3["booking"].reference in text
    assert PATIENT["name"] not in text
    assert not BookingAccess.objects.exists()


def test_reception_of_one_clinic_cannot_see_or_touch_another(client, reception):
    other = ClinicFactory(name="NEMUS Annenby", slug="nemus-annenby")
    theirs = SlotFactory(
        practitioner=PractitionerFactory(clinic=other), starts_at=oslo(3, 9)
    )
    BookingFactory(
        slot=SlotFactory(
            practitioner=PractitionerFactory(clinic=other), starts_at=oslo(3, 10)
        ),
        name="Annen Klinikks Pasient",
    )
    url = reverse("admin:booking_book", args=[other.pk])
    refused = client.get(url)
    assert refused.status_code == 403
    assert "Annen Klinikks Pasient" not in refused.content.decode()
    assert not BookingAccess.objects.exists()
    response = client.post(
        url, {"action": "block", "slot": theirs.pk, "state": "open:0"}
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert not theirs.is_withdrawn
    # A time of the other clinic posted to one's own book: not found.
    own = reverse(
        "admin:booking_book", args=[reception.clinic_memberships.get().clinic_id]
    )
    response = client.post(
        own, {"action": "block", "slot": theirs.pk, "state": "open:0"}
    )
    assert response.status_code == 404
    slot_url = reverse(
        "admin:booking_book_slot",
        args=[reception.clinic_memberships.get().clinic_id, theirs.pk],
    )
    assert client.get(slot_url).status_code == 404


def test_block_and_unblock_and_the_public_day_view_follows(client, reception, day3):
    page = client.get(day3["url"])
    slot = day3["open"]
    response = client.post(
        day3["url"].split("?")[0],
        {
            "action": "block",
            "slot": slot.pk,
            "state": state_of(page, slot),
            "back": day3["url"],
        },
        follow=True,
    )
    assert "10.00 er blokkert" in text_of(response)
    slot.refresh_from_db()
    assert slot.is_withdrawn
    assert not Slot.objects.bookable().filter(pk=slot.pk).exists()
    page = client.get(day3["url"])
    client.post(
        day3["url"].split("?")[0],
        {"action": "unblock", "slot": slot.pk, "state": state_of(page, slot)},
    )
    slot.refresh_from_db()
    assert not slot.is_withdrawn


def test_a_stale_view_says_what_changed_and_changes_nothing(
    client, reception, day3, follow_up
):
    page = client.get(day3["url"])
    slot = day3["open"]
    shown = state_of(page, slot)
    # Meanwhile a patient books it online.
    online = booking_create(
        slot_id=slot.pk, appointment_type=follow_up, **{**PATIENT, "phone": "41234567"}
    )
    response = client.post(
        day3["url"].split("?")[0],
        {"action": "block", "slot": slot.pk, "state": shown, "back": day3["url"]},
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "Noen andre endret timen" in text and "nå bestilt" in text
    # The fresh book shows the new booking.
    assert online.reference in text
    slot.refresh_from_db()
    assert not slot.is_withdrawn
    # Two receptionists cancelling one booking: the second is told, not obeyed twice.
    booked = day3["booking"]
    shown = state_of(page, booked.slot)
    confirmed = {
        "action": "cancel",
        "slot": booked.slot_id,
        "state": shown,
        "confirmed": "1",
    }
    first = client.post(day3["url"].split("?")[0], confirmed)
    assert first.status_code == 302
    second = client.post(day3["url"].split("?")[0], confirmed)
    assert second.status_code == 409
    assert "nå åpen" in text_of(second)


def test_marking_attended_and_no_show(
    client, reception, clinic, practitioner, follow_up
):
    earlier = SlotFactory(practitioner=practitioner, starts_at=begun_today(60))
    past = BookingFactory(slot=earlier, appointment_type=follow_up)
    later = SlotFactory(
        practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(days=2)
    )
    coming = booking_create(slot_id=later.pk, appointment_type=follow_up, **PATIENT)
    url = reverse("admin:booking_book", args=[clinic.pk])
    response = client.post(
        url, {"action": "no_show", "slot": later.pk, "state": f"booked:{coming.pk}"}
    )
    assert response.status_code == 400
    assert "når timen har begynt" in text_of(response)
    response = client.post(
        url, {"action": "no_show", "slot": earlier.pk, "state": f"booked:{past.pk}"}
    )
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.status == "no_show"
    # The no-show keeps its place in the book and frees nothing.
    day = timezone.localdate(earlier.starts_at).isoformat()
    assert "ikke møtt" in text_of(client.get(url + f"?dato={day}"))
    assert not Slot.objects.bookable().filter(pk=earlier.pk).exists()


@pytest.mark.parametrize(
    ("phone", "stored", "texts"), [("22 33 44 55", "+4722334455", 0), ("", "", 0)]
)
def test_book_a_phone_patient_with_a_landline_or_no_number(
    client, reception, day3, phone, stored, texts
):
    slot = day3["open"]
    url = reverse("admin:booking_book_slot", args=[slot.clinic_id, slot.pk])
    form = client.get(url)
    assert "Oppfølging" in text_of(form)
    response = client.post(
        url,
        {
            "appointment_type": Booking.objects.get().appointment_type_id,
            "name": "Telefon Pasient",
            "phone": phone,
            "email": "",
            "back": day3["url"],
        },
    )
    assert response.status_code == 302 and response["Location"] == day3["url"]
    booking = Booking.objects.get(slot=slot)
    assert booking.channel == "phone" and booking.phone == stored
    assert BookingSms.objects.filter(booking=booking).count() == texts


def test_a_bad_number_or_a_taken_time_is_said_clearly(
    client, reception, day3, follow_up
):
    slot = day3["open"]
    url = reverse("admin:booking_book_slot", args=[slot.clinic_id, slot.pk])
    data = {"appointment_type": follow_up.pk, "name": "Telefon Pasient"}
    response = client.post(url, {**data, "phone": "12"})
    assert response.status_code == 400
    assert "Skriv inn et telefonnummer" in text_of(response)
    booking_create(
        slot_id=slot.pk, appointment_type=follow_up, **PATIENT | {"phone": "41234568"}
    )
    response = client.post(url, {**data, "phone": ""})
    assert response.status_code == 409
    assert "Noen andre endret timen" in text_of(response)
    assert Booking.objects.filter(slot=slot).count() == 1


def test_move_offers_only_practitioners_who_offer_the_type(
    client, reception, clinic, day3, practitioner
):
    booking = day3["booking"]
    physio = PractitionerFactory(
        clinic=clinic, name="Fysio Uten", profession=Profession.PHYSIOTHERAPIST
    )
    first_visit = AppointmentTypeFactory(
        slug="forste", name="Første", professions=[Profession.CHIROPRACTOR]
    )
    Booking.objects.filter(pk=booking.pk).update(appointment_type=first_visit)
    wrong = SlotFactory(practitioner=physio, starts_at=oslo(4, 9))
    right = SlotFactory(practitioner=practitioner, starts_at=oslo(4, 10))
    url = reverse("admin:booking_book_move", args=[clinic.pk, booking.pk])
    # "Flytt" opens the book as a move view on the booking's day.
    opened = client.get(url)
    assert opened.status_code == 302
    assert opened["Location"].endswith(
        f"?dato={oslo(3, 0).date().isoformat()}&flytt={booking.pk}"
    )
    day4 = client.get(
        reverse("admin:booking_book", args=[clinic.pk]),
        {"dato": oslo(4, 0).date().isoformat(), "flytt": booking.pk},
    ).content.decode()
    # Only the time of a practitioner who offers the type is a target; no other
    # action is offered, nothing is chosen.
    assert f"{url}?til={right.pk}" in day4 and f"?til={wrong.pk}" not in day4
    assert day4.count("?til=") == 1
    assert "Bestill<span" not in day4 and "Blokker<span" not in day4
    assert "Flytter " in page_text(day4)
    confirm = client.get(url, {"til": right.pk})
    text = text_of(confirm)
    assert re.search(r"Fra \S+ \d+\. \w+ kl\. 09\.00, Kari Rygg Til ", text)
    assert 'value="Flytt timen"' in confirm.content.decode()
    booking.refresh_from_db()
    assert booking.slot != right
    moved = client.post(url, {"target": right.pk})
    assert moved.status_code == 302 and "flytt=" not in moved["Location"]
    booking.refresh_from_db()
    assert booking.slot == right
    response = client.post(url, {"target": wrong.pk})
    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.slot == right


def test_a_target_taken_before_the_confirm_is_said_with_the_book_fresh(
    client, reception, clinic, day3, practitioner, follow_up
):
    booking = day3["booking"]
    target = SlotFactory(practitioner=practitioner, starts_at=oslo(4, 10))
    url = reverse("admin:booking_book_move", args=[clinic.pk, booking.pk])
    assert client.get(url, {"til": target.pk}).status_code == 200
    taker = booking_create(
        slot_id=target.pk,
        appointment_type=follow_up,
        **{**PATIENT, "phone": "41234567", "name": "Rask Pasient"},
    )
    response = client.post(url, {"target": target.pk})
    assert response.status_code == 409
    assert "Velg en av de markerte tidene." in text_of(response)
    booking.refresh_from_db()
    assert booking.slot == day3["booking"].slot
    # The fresh book (still the move view) shows who took it.
    assert taker.reference in text_of(response)


@pytest.mark.parametrize(
    "asked", ["2026-02-31", "i morgen", "99999-01-01", "1900-01-01"]
)
def test_absurd_dates_get_a_message_and_today(client, reception, clinic, asked):
    response = client.get(
        reverse("admin:booking_book", args=[clinic.pk]), {"dato": asked}
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "er ikke en dato vi kan vise" in text
    today = timezone.localdate()
    assert str(today.day) in text


def test_the_day_and_week_take_the_same_queries_however_full(
    client, reception, clinic, follow_up
):
    def fill(practitioners: int, bookings: int):
        made = []
        for n in range(practitioners):
            who = PractitionerFactory(clinic=clinic, name=f"Behandler {n}")
            for hour in range(8, 16):
                made.append(SlotFactory(practitioner=who, starts_at=oslo(5, hour)))
        for slot in made[:bookings]:
            booking_create(
                slot_id=slot.pk,
                appointment_type=follow_up,
                **{**PATIENT, "phone": "", "email": ""},
                channel="phone",
            )

    day = oslo(5, 0).date().isoformat()
    url = reverse("admin:booking_book", args=[clinic.pk])

    def count(query):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, query).status_code == 200
        return len(queries)

    fill(1, 1)
    small_day, small_week = count({"dato": day}), count({"dato": day, "visning": "uke"})
    fill(5, 30)
    assert count({"dato": day}) == small_day
    assert count({"dato": day, "visning": "uke"}) == small_week


def test_reception_lands_on_todays_book_and_finds_everything_else(
    client, reception, clinic
):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    start = client.get(response["Location"])
    assert start["Location"] == reverse("admin:booking_book", args=[clinic.pk])
    book = client.get(start["Location"])
    today = timezone.localdate()
    from django.utils.formats import date_format

    assert date_format(today, "DAY_FORMAT").capitalize() in text_of(book)
    everything = client.get(reverse("admin:index") + "?liste=1")
    assert everything.status_code == 200
    text = text_of(everything)
    assert "Timebestilling" in text
    # Other packages' sections are for superusers only.
    assert "Axes" not in text and "Innlogginger" not in text and "Otp" not in text


def test_superusers_see_other_packages_sections_in_norwegian(admin_client):
    text = text_of(admin_client.get(reverse("admin:index")))
    assert "Innloggingsforsøk" in text and "Mislykkede innlogginger" in text
    assert "Tofaktor: kodeapper" in text and "Tofaktor: reservekoder" in text
    for english in ("Axes", "Access attempts", "Otp_Static", "TOTP devices"):
        assert english not in text


def test_the_day_list_reads_dates_the_norwegian_way(admin_client):
    response = admin_client.get(
        reverse("admin:booking_booking_day_list"), {"date": "2026-11-28"}
    )
    text = text_of(response)
    assert "Timebestillinger lørdag 28. november" in text
    assert "fredag 27. november" in text and "søndag 29. november" in text
    assert "2026-11-28" not in text


def test_a_practitioner_of_another_clinic_in_the_week_view_is_refused(
    client, reception, clinic, practitioner
):
    stranger = PractitionerFactory(clinic=ClinicFactory(), name="Annen Klinikk")
    response = client.get(
        reverse("admin:booking_book", args=[clinic.pk]),
        {"visning": "uke", "behandler": stranger.pk},
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "arbeider ikke her; her er Kari Rygg" in text
    assert "Annen Klinikk" not in text


def test_a_time_across_midnight_shows_cut_at_midnight(
    client, reception, clinic, practitioner
):
    """A time from 23.40 to 00.10: the book shows it until midnight, never an
    error page (it was a 500: the grid had no row for a time ending after
    midnight; found when a test's time, 40 days back, crossed midnight as CI ran
    at 23.55)."""
    day = timezone.localdate() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(23, 40), tzinfo=OSLO)
    SlotFactory(practitioner=practitioner, starts_at=start)
    SlotFactory(
        practitioner=practitioner,
        starts_at=start - dt.timedelta(hours=2),
    )
    response = client.get(
        reverse("admin:booking_book", args=[clinic.pk]), {"dato": day.isoformat()}
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "23.40" in text and "21.40" in text


def test_a_day_whose_bookings_were_purged_still_shows(
    client, reception, clinic, practitioner, follow_up
):
    past = SlotFactory(
        practitioner=practitioner, starts_at=timezone.now() - dt.timedelta(days=40)
    )
    BookingFactory(slot=past, appointment_type=follow_up, name="Gammel Pasient")
    from booking.services import bookings_purge

    assert bookings_purge(older_than_days=30) == 1
    day = timezone.localdate(past.starts_at).isoformat()
    response = client.get(
        reverse("admin:booking_book", args=[clinic.pk]), {"dato": day}
    )
    assert response.status_code == 200
    assert "passert" in text_of(response) and "Gammel" not in text_of(response)


def test_the_booking_lists_mark_attended_follows_the_books_rule(
    client, reception, practitioner, follow_up
):
    """One rule for marking attended (issue 28): the list's action refuses a booking
    five days ahead, as the book does, saying which and why; today's is marked."""
    today = SlotFactory(practitioner=practitioner, starts_at=begun_today(5))
    now_booking = BookingFactory(slot=today, appointment_type=follow_up)
    ahead = SlotFactory(
        practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(days=5)
    )
    later = booking_create(slot_id=ahead.pk, appointment_type=follow_up, **PATIENT)
    response = client.post(
        reverse("admin:booking_booking_changelist"),
        {
            "action": "mark_attended",
            "_selected_action": [now_booking.pk, later.pk],
        },
        follow=True,
    )
    text = text_of(response)
    assert "1 bestilling merket som møtt" in text
    assert f"Ikke merket: {later.reference}" in text
    assert "på dagen" in text
    assert Booking.objects.get(pk=now_booking.pk).status == "attended"
    assert Booking.objects.get(pk=later.pk).status == "confirmed"


def test_the_access_log_shows_who_saw_a_booking_in_the_book(
    client, reception, day3, admin_client
):
    client.get(day3["url"])
    log = admin_client.get(
        reverse("admin:booking_bookingaccess_changelist"),
        {"q": day3["booking"].key},
    )
    text = text_of(log)
    assert "resepsjon" in text and "så i timeboken" in text


def test_the_book_is_one_click_from_every_admin_page(client, reception, admin_client):
    start = reverse("admin:booking_book_start")
    link = f'<a class="nm-admin-book-link" href="{start}">Timebok</a>'
    for who in (client, admin_client):
        for page in (
            reverse("admin:index") + "?liste=1",
            reverse("admin:booking_booking_changelist"),
            reverse("admin:password_change"),
        ):
            assert link in who.get(page).content.decode(), page
    # Superusers choose the clinic there.
    ClinicFactory(name="NEMUS Andreby", slug="nemus-andreby")
    assert "NEMUS Andreby" in text_of(admin_client.get(start))
    # Staff without the book's permission get no link.
    editor = User.objects.create_user("redaktor", password="x", is_staff=True)
    client.force_login(editor)
    assert (
        "nm-admin-book-link"
        not in client.get(reverse("admin:password_change")).content.decode()
    )


def test_the_phone_form_asks_in_sentences_with_no_dash_choice(client, reception, day3):
    slot = day3["open"]
    html = client.get(
        reverse("admin:booking_book_slot", args=[slot.clinic_id, slot.pk])
    ).content.decode()
    text = page_text(html)
    assert "Hva slags time?" in text and "Pasientens fulle navn" in text
    assert "Telefonnummer" in text and "navn:" not in text
    assert "---------" not in html
    # The one kind that fits is chosen already.
    assert re.search(
        r'type="radio" name="appointment_type" value="\d+"[^>]*checked', html
    )


def test_the_day_list_has_a_part_per_practitioner_with_states_and_blocked_times(
    client, reception, day3, clinic
):
    day = oslo(3, 0).date()
    response = client.get(
        reverse("admin:booking_booking_day_list"), {"date": day.isoformat()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    parts = [
        part.split(">", 1)[1]
        for part in html.split('<section class="nm-day-list__part"')[1:]
    ]
    assert len(parts) == 2
    per, kari = (page_text(part) for part in parts)
    assert per.startswith("Per Fysio fysioterapeut · NEMUS Testby")
    assert "borte" in per and "12.00–12.30 Borte" in per
    assert "Kari Rygg kiropraktor" in kari
    assert f"09.00–09.30 Bestilt {PATIENT['name']} +4791234567" in kari
    assert "11.00–11.30 Blokkert" in kari
    # Open times are not printed.
    assert "10.00–10.30" not in kari
    assert list(BookingAccess.objects.values_list("action", "booking_id")) == [
        ("day-list", day3["booking"].pk)
    ]


def test_the_book_is_to_scale_with_breaks_and_a_line_for_now(
    client, reception, clinic, practitioner, follow_up
):
    from booking.selectors import appointment_book_get

    today = timezone.localdate()
    start = dt.datetime.combine(today, dt.time(20, 0), tzinfo=OSLO)
    long = SlotFactory(
        practitioner=practitioner,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
    )
    SlotFactory(practitioner=practitioner, starts_at=start + dt.timedelta(hours=1))
    now = start + dt.timedelta(minutes=50)
    book = appointment_book_get(clinic=clinic, start=today, now=now)
    assert book.step == 15
    labels = [row.label for row in book.grid]
    assert labels == ["20.00", "20.15", "20.30", "20.45", "21.00", "21.15"]
    [first] = book.grid[0].entries
    assert (first.kind, first.span, first.cell.slot) == ("cell", 3, long)
    # Spanned rows have nothing of their own in that column.
    assert book.grid[1].entries == [None] and book.grid[2].entries == [None]
    [gap] = book.grid[3].entries
    assert (gap.kind, gap.span) == ("break", 1)
    assert [row.now for row in book.grid] == [False, False, False, True, False, False]
    # A time off the quarter hour: rows of five minutes.
    SlotFactory(
        practitioner=practitioner, starts_at=start + dt.timedelta(hours=2, minutes=5)
    )
    book = appointment_book_get(clinic=clinic, start=today, now=now)
    assert book.step == 5
    [first] = book.grid[0].entries
    assert first.span == 9
    html = client.get(reverse("admin:booking_book", args=[clinic.pk])).content.decode()
    # (open or passed, by when the test runs)
    assert re.search(r'rowspan="9" class="nm-book__cell nm-book__cell--\w+"', html)


def test_overlapping_times_are_shown_together_not_lost(practitioner):
    """PostgreSQL refuses overlapping times of one practitioner (the exclusion
    constraint slot_practitioner_no_overlap); SQLite does not, so the layout
    must not drop one: laid out in memory here."""
    from booking.selectors.book import BookCell, BookColumn, scale_grid

    start = oslo(4, 9)
    first = Slot(
        practitioner=practitioner,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    inside = Slot(
        practitioner=practitioner,
        starts_at=start + dt.timedelta(minutes=30),
        ends_at=start + dt.timedelta(hours=1),
    )
    column = BookColumn(practitioner=practitioner, day=start.date(), absent=False)
    for label, slot in (("09.00", first), ("09.30", inside)):
        column.cells[label] = BookCell(slot=slot, booking=None, state="open")
    step, rows = scale_grid([column], day=start.date(), now=None)
    [entry] = rows[0].entries
    assert (step, entry.cell.slot, entry.span) == (15, first, 4)
    assert [c.slot for c in entry.also] == [inside]


def test_cancel_asks_once_and_is_not_offered_for_a_time_that_has_begun(
    client, reception, day3, practitioner, follow_up
):
    booked = day3["booking"]
    page = client.get(day3["url"])
    asked = client.post(
        day3["url"].split("?")[0],
        {
            "action": "cancel",
            "slot": booked.slot_id,
            "state": state_of(page, booked.slot),
        },
    )
    assert asked.status_code == 200
    text = text_of(asked)
    assert "Avbestille timen" in text and "Dette kan ikke angres." in text
    booked.refresh_from_db()
    assert booked.status == "confirmed" and booked.name == PATIENT["name"]
    # A time that has begun: no cancel button, and a forged post is refused.
    begun = SlotFactory(practitioner=practitioner, starts_at=begun_today(10))
    earlier = BookingFactory(slot=begun, appointment_type=follow_up)
    today = client.get(reverse("admin:booking_book", args=[begun.clinic_id]))
    html = today.content.decode()
    clock = f"{begun.starts_at.astimezone(OSLO):%H.%M}"
    assert earlier.reference in html
    assert f'Avbestill<span class="nm-visually-hidden"> {clock}' not in html
    refused = client.post(
        reverse("admin:booking_book", args=[begun.clinic_id]),
        {
            "action": "cancel",
            "slot": begun.pk,
            "state": f"booked:{earlier.pk}",
            "confirmed": "1",
        },
    )
    assert refused.status_code == 400
    assert "En time som har begynt, avbestilles ikke" in text_of(refused)
    earlier.refresh_from_db()
    assert earlier.status == "confirmed"


def test_a_mark_and_a_block_can_be_undone_from_their_note(
    client, reception, clinic, practitioner, follow_up, settings
):
    begun = SlotFactory(practitioner=practitioner, starts_at=begun_today(10))
    booking = BookingFactory(slot=begun, appointment_type=follow_up)
    url = reverse("admin:booking_book", args=[clinic.pk])
    marked = client.post(
        url, {"action": "no_show", "slot": begun.pk, "state": f"booked:{booking.pk}"}
    )
    assert marked.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "no_show"
    html = client.get(marked["Location"]).content.decode()
    assert "Merket som ikke møtt" in page_text(html)
    undo = re.search(r'name="undo" value="([^"]+)"', html).group(1)
    undone = client.post(url, {"action": "undo", "undo": undo})
    assert undone.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    # The note is used up.
    again = client.post(url, {"action": "undo", "undo": undo})
    assert again.status_code == 400
    assert "Det er ingenting å angre." in text_of(again)
    # A block undone after someone opened the time meanwhile: refused.
    later = SlotFactory(practitioner=practitioner, starts_at=oslo(3, 15))
    client.post(url, {"action": "block", "slot": later.pk, "state": "open:0"})
    html = client.get(url).content.decode()
    undo = re.search(r'name="undo" value="([^"]+)"', html).group(1)
    Slot.objects.filter(pk=later.pk).update(is_withdrawn=False)
    refused = client.post(url, {"action": "undo", "undo": undo})
    assert refused.status_code == 409
    assert "Noen andre endret timen" in text_of(refused)
    # Too late: after BOOK_UNDO_SECONDS.
    client.post(url, {"action": "block", "slot": later.pk, "state": "open:0"})
    html = client.get(url).content.decode()
    undo = re.search(r'name="undo" value="([^"]+)"', html).group(1)
    settings.BOOK_UNDO_SECONDS = 0
    late = client.post(url, {"action": "undo", "undo": undo})
    assert late.status_code == 400
    assert "Det er for sent å angre" in text_of(late)
    assert Slot.objects.get(pk=later.pk).is_withdrawn
