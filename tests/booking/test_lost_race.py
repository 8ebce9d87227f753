"""A time someone else took first (issue 35): the page keeps what the patient
typed (hidden fields of a POST form on a page never stored) and offers the times
nearest the one chosen, the same practitioner's first, that day and the next two;
one of them opens the form filled in, which books nothing by itself."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from booking.models import Booking
from booking.services import SlotTaken, booking_create
from clinics.hours import OSLO
from tests.booking.conftest import PATIENT
from tests.factories import ClinicFactory, PractitionerFactory, SlotFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db

TYPED = {
    "appointment_type": "oppfolging",
    "name": "Rask Pasient",
    "phone": "412 34 567",
    "email": "rask@example.invalid",
    "is_new_patient": "tidligere",
    "privacy": "on",
}


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


def book_url(slot):
    return f"/timebestilling/{slot.clinic.slug}/{slot.pk}/"


@pytest.fixture
def race(practitioner, follow_up):
    """Kari's 10.00 on day 3, booked by someone else; open times around it."""
    other = PractitionerFactory(clinic=practitioner.clinic, name="Per Annen")
    wanted = SlotFactory(practitioner=practitioner, starts_at=at(3, 10))
    times = {
        "kari_9": SlotFactory(practitioner=practitioner, starts_at=at(3, 9)),
        "kari_day5": SlotFactory(practitioner=practitioner, starts_at=at(5, 14)),
        "kari_day6": SlotFactory(practitioner=practitioner, starts_at=at(6, 10)),
        "per_11": SlotFactory(practitioner=other, starts_at=at(3, 11)),
        "per_day2": SlotFactory(practitioner=other, starts_at=at(2, 10)),
    }
    booking_create(
        slot_id=wanted.pk,
        appointment_type=follow_up,
        **{**PATIENT, "phone": "98765432", "email": "forst@example.invalid"},
    )
    return wanted, times


def buttons(html):
    """(formaction, visible text) of the page's time buttons, in order."""
    return [
        (action, page_text(inner))
        for action, inner in re.findall(
            r'<button class="nm-time[^"]*" type="submit" formaction="([^"]+)">(.*?)'
            r"</button>",
            html,
        )
    ]


def test_a_lost_race_keeps_what_was_typed_and_offers_the_times_nearby(client, race):
    wanted, times = race
    response = client.post(book_url(wanted), TYPED)
    assert response.status_code == 409
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    text = page_text(html)
    assert "Noen andre bestilte den tiden like før deg." in text
    assert '<h1 tabindex="-1" data-focus-on-load>Noen andre' in html
    # What was typed rides in the form, not in any address.
    for name, value in TYPED.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
    assert "Rask" not in "".join(action for action, _t in buttons(html))
    # Kari's first (that day and the next two: not day 6), then the others'
    # (not the day before).
    assert [action for action, _text in buttons(html)] == [
        book_url(times["kari_9"]),
        book_url(times["kari_day5"]),
        book_url(times["per_11"]),
    ]
    assert "Andre tider hos Kari Rygg" in text
    assert "Per Annen" in text
    assert Booking.objects.count() == 1


def test_a_time_chosen_instead_opens_the_form_filled_in_and_books_nothing(client, race):
    _wanted, times = race
    response = client.post(book_url(times["kari_9"]), {**TYPED, "prefill": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Opplysningene dine er fylt inn fra i stad." in page_text(html)
    assert 'value="Rask Pasient"' in html
    assert 'value="rask@example.invalid"' in html
    assert re.search(r'value="oppfolging"[^>]*checked', html)
    assert re.search(r'value="tidligere"[^>]*checked', html)
    assert re.search(r'name="privacy"[^>]*checked', html)
    assert "nm-error-summary" not in html
    assert Booking.objects.count() == 1
    # Confirmed there, it is booked.
    response = client.post(book_url(times["kari_9"]), TYPED)
    assert response.status_code == 302
    assert Booking.objects.filter(slot=times["kari_9"], name="Rask Pasient").exists()


def test_a_forged_kept_value_is_left_out_and_said(client, race):
    _wanted, times = race
    forged = {**TYPED, "name": "x" * 5000, "prefill": "1"}
    response = client.post(book_url(times["kari_9"]), forged)
    assert response.status_code == 200
    html = response.content.decode()
    assert "x" * 200 not in html
    assert "Noe av det du skrev, kunne ikke tas vare på" in page_text(html)
    assert 'value="rask@example.invalid"' in html
    assert Booking.objects.count() == 1


def test_another_clinics_time_under_this_clinic_books_nothing(client, race):
    _wanted, times = race
    elsewhere = SlotFactory(
        practitioner=PractitionerFactory(
            clinic=ClinicFactory(name="NEMUS Annet", slug="nemus-annet")
        ),
        starts_at=at(3, 12),
    )
    url = f"/timebestilling/{times['kari_9'].clinic.slug}/{elsewhere.pk}/"
    for data in ({**TYPED, "prefill": "1"}, TYPED):
        response = client.post(url, data)
        assert response.status_code == 404
    assert Booking.objects.count() == 1


def test_no_time_nearby_gives_the_phone_and_keeps_nothing_to_lose(
    client, practitioner, follow_up
):
    wanted = SlotFactory(practitioner=practitioner, starts_at=at(3, 10))
    booking_create(slot_id=wanted.pk, appointment_type=follow_up, **PATIENT)
    response = client.post(book_url(wanted), TYPED)
    assert response.status_code == 409
    text = page_text(response.content.decode())
    assert "Ingen ledige timer på nettet nær den tiden." in text
    assert "22 00 00 99" in text


def test_a_race_lost_inside_the_booking_itself_keeps_the_form_too(
    client, race, monkeypatch
):
    """Open when the form was checked, taken before the booking's own lock: the
    service says SlotTaken, and the page is the same."""
    _wanted, times = race
    slot = times["kari_9"]

    def taken_at_the_last_moment(**_kwargs):
        raise SlotTaken()

    monkeypatch.setattr("booking.views.book.booking_create", taken_at_the_last_moment)
    response = client.post(book_url(slot), TYPED)
    assert response.status_code == 409
    html = response.content.decode()
    assert '<input type="hidden" name="name" value="Rask Pasient">' in html
    assert f'formaction="{book_url(times["kari_day5"])}"' in html
    assert f'formaction="{book_url(slot)}"' not in html
