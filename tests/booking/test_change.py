"""A patient changes the time from the e-mail's link (issue 18): one locked move,
the same cut-off as cancelling, a new confirmation whose calendar file updates the
event, and every link or time that cannot be used answered for what it is."""

import datetime as dt
import re

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from booking.links import cancel_token
from booking.models import Booking, BookingEmail, ClinicBookingPolicy
from booking.services import (
    ChangeTooLate,
    SlotTaken,
    SlotUnavailable,
    booking_change,
    booking_create,
    booking_move,
)
from clinics.hours import OSLO
from tests.booking.conftest import PATIENT
from tests.factories import (
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)
from tests.text import page_text

pytestmark = pytest.mark.django_db


def at(days: int, hour: int) -> dt.datetime:
    day = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


@pytest.fixture
def booked(practitioner, follow_up, django_capture_on_commit_callbacks):
    """Kari's booking on day 3 at 09, and two open times: day 4 at 10 and 11."""
    old = SlotFactory(practitioner=practitioner, starts_at=at(3, 9))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(slot_id=old.pk, appointment_type=follow_up, **PATIENT)
    mail.outbox.clear()
    return {
        "booking": booking,
        "old": old,
        "new": SlotFactory(practitioner=practitioner, starts_at=at(4, 10)),
        "other": SlotFactory(practitioner=practitioner, starts_at=at(4, 11)),
        "token": cancel_token(booking),
    }


def calendar_of(message):
    _name, content, kind = message.attachments[0]
    assert kind.startswith("text/calendar")
    return next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))


def test_a_change_moves_the_booking_and_sends_an_updated_calendar_event(
    booked, django_capture_on_commit_callbacks
):
    booking, old, new = booked["booking"], booked["old"], booked["new"]
    with django_capture_on_commit_callbacks(execute=True):
        booking_change(booking_id=booking.pk, new_slot_id=new.pk)
    booking.refresh_from_db()
    assert booking.slot == new and booking.starts_at == new.starts_at
    assert booking.status == "confirmed" and booking.sequence == 1
    # The old time is bookable again.
    assert Booking.objects.filter(slot=old, status="confirmed").count() == 0
    message = mail.outbox[-1]
    assert message.to == [PATIENT["email"]]
    assert message.subject.startswith("Ny tid: ")
    assert "du har endret timen din" in message.body
    event = calendar_of(message)
    assert str(event["uid"]) == f"booking-{booking.key}@nemus"
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == new.starts_at
    assert BookingEmail.objects.filter(booking=booking, kind="changed").count() == 1


def test_the_first_confirmation_has_sequence_0_and_staff_moves_count_too(
    practitioner, follow_up, django_capture_on_commit_callbacks
):
    slot = SlotFactory(practitioner=practitioner, starts_at=at(3, 9))
    other = SlotFactory(practitioner=practitioner, starts_at=at(3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    assert int(calendar_of(mail.outbox[-1])["sequence"]) == 0
    with django_capture_on_commit_callbacks(execute=True):
        booking_move(booking_id=booking.pk, new_slot_id=other.pk)
    assert int(calendar_of(mail.outbox[-1])["sequence"]) == 1


def test_a_taken_time_changes_nothing(booked, follow_up):
    booking, new = booked["booking"], booked["new"]
    booking_create(
        slot_id=new.pk, appointment_type=follow_up, **{**PATIENT, "phone": "41234567"}
    )
    with pytest.raises(SlotTaken):
        booking_change(booking_id=booking.pk, new_slot_id=new.pk)
    booking.refresh_from_db()
    assert booking.slot == booked["old"] and booking.sequence == 0


def test_the_cut_off_is_cancellings(booked):
    booking = booked["booking"]
    ClinicBookingPolicy.objects.update_or_create(
        clinic=booking.slot.clinic, defaults={"cancel_cutoff_hours": 24 * 5}
    )
    with pytest.raises(ChangeTooLate):
        booking_change(booking_id=booking.pk, new_slot_id=booked["new"].pk)
    # Staff can still move it.
    booking_move(booking_id=booking.pk, new_slot_id=booked["new"].pk)


def test_only_times_bookable_online_at_the_same_clinic(booked, practitioner):
    booking = booked["booking"]
    ClinicBookingPolicy.objects.update_or_create(
        clinic=booking.slot.clinic, defaults={"max_days_ahead": 10}
    )
    far = SlotFactory(practitioner=practitioner, starts_at=at(20, 9))
    with pytest.raises(SlotUnavailable):
        booking_change(booking_id=booking.pk, new_slot_id=far.pk)
    elsewhere = SlotFactory(
        practitioner=PractitionerFactory(clinic=ClinicFactory()), starts_at=at(4, 9)
    )
    with pytest.raises(SlotUnavailable):
        booking_change(booking_id=booking.pk, new_slot_id=elsewhere.pk)
    booking.refresh_from_db()
    assert booking.slot == booked["old"]


def test_asking_twice_is_done_once(booked, django_capture_on_commit_callbacks):
    booking, new = booked["booking"], booked["new"]
    with django_capture_on_commit_callbacks(execute=True):
        booking_change(booking_id=booking.pk, new_slot_id=new.pk)
        booking_change(booking_id=booking.pk, new_slot_id=new.pk)
    booking.refresh_from_db()
    assert booking.sequence == 1
    assert len(mail.outbox) == 1


# --- The pages ---------------------------------------------------------------------


def manage_url(booked):
    return f"/timebestilling/avbestill/{booked['token']}/"


def change_url(booked, slot=None):
    path = f"/timebestilling/endre/{booked['token']}/"
    return path + (f"{slot.pk}/" if slot else "")


def test_the_link_shows_the_booking_with_change_and_cancel(client, booked):
    response = client.get(manage_url(booked))
    html = response.content.decode()
    text = page_text(html)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert booked["booking"].reference in text
    assert f'href="{change_url(booked)}"' in html
    assert "Endre tid" in text and "Ja, avbestill timen" in text


def test_change_by_the_pages(client, booked, django_capture_on_commit_callbacks):
    booking, new = booked["booking"], booked["new"]
    days = client.get(change_url(booked))
    html = days.content.decode()
    assert days.status_code == 200
    assert "no-store" in days["Cache-Control"]
    assert "Velg ny tid" in page_text(html)
    # The times lead to the change's confirmation, never to the booking form.
    links = re.findall(r'<a class="nm-time" href="([^"]+)"', html)
    assert change_url(booked, new) in links
    assert not any(link.startswith("/timebestilling/nemus-testby/") for link in links)
    # The appointment type is the booking's own: no choice of it here.
    assert 'name="type"' not in html
    confirm = client.get(change_url(booked, new))
    assert confirm.status_code == 200
    text = page_text(confirm.content.decode())
    assert "Bekreft ny tid" in text and "Tiden du har nå" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(booked, new))
    assert response.status_code == 302
    assert response["Location"] == manage_url(booked) + "?endret=1"
    booking.refresh_from_db()
    assert booking.slot == new
    done = page_text(client.get(response["Location"]).content.decode())
    assert "Timen din har fått ny tid" in done
    assert mail.outbox[-1].subject.startswith("Ny tid: ")


@pytest.mark.parametrize("path", ["/", "/{slot}/"])
def test_a_forged_link_is_a_404(client, booked, path):
    forged = booked["token"][:-3] + "abc"
    url = f"/timebestilling/endre/{forged}" + path.format(slot=booked["new"].pk)
    response = client.get(url)
    assert response.status_code == 404
    assert "Lenken virker ikke" in page_text(response.content.decode())


def test_a_taken_or_unknown_time_is_a_409_or_404(client, booked, follow_up):
    booking_create(
        slot_id=booked["new"].pk,
        appointment_type=follow_up,
        **{**PATIENT, "phone": "41234567"},
    )
    taken = client.post(change_url(booked, booked["new"]))
    assert taken.status_code == 409
    html = taken.content.decode()
    assert "Noen andre bestilte den tiden like før deg." in page_text(html)
    # The next times offered lead on to the change, not to a new booking.
    assert f'href="{change_url(booked, booked["other"])}"' in html
    assert client.get(f"{change_url(booked)}999999/").status_code == 404
    booked["booking"].refresh_from_db()
    assert booked["booking"].slot == booked["old"]


def test_past_the_cut_off_the_link_says_call_the_clinic(client, booked):
    ClinicBookingPolicy.objects.update_or_create(
        clinic=booked["booking"].slot.clinic, defaults={"cancel_cutoff_hours": 24 * 5}
    )
    for url in (change_url(booked), change_url(booked, booked["new"])):
        response = client.get(url)
        assert response.status_code == 410
        text = page_text(response.content.decode())
        assert "Det er for sent å endre timen på nettet. Ring klinikken." in text
    manage = page_text(client.get(manage_url(booked)).content.decode())
    assert "Endre tid" not in manage.split("Timen din")[-1]


def test_a_cancelled_booking_cannot_change(client, booked):
    client.post(manage_url(booked))
    response = client.get(change_url(booked))
    assert response.status_code == 410
    assert "Denne timen er allerede avbestilt" in page_text(response.content.decode())


def test_in_english(client, booked):
    token = booked["token"]
    html = client.get(f"/en/booking/change/{token}/").content.decode()
    assert "Choose a new time" in html
    assert f"/en/booking/change/{token}/{booked['new'].pk}/" in html
