"""A course of treatment booked at once from the appointment book (issue 37): the
same practitioner, weekday and time every week or every second week; each time
booked under its own lock, collisions reported and the rest booked, one message
for them all, and the patient's own online limit untouched."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, BookingSms
from booking.outside.sms import MemoryBackend
from booking.services import booking_create
from clinics.hours import OSLO
from tests.booking.conftest import PATIENT
from tests.factories import ClinicFactory, PractitionerFactory, SlotFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db


def weekly(days: int, weeks: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days, weeks=weeks)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=OSLO)


@pytest.fixture
def course(practitioner, follow_up, django_capture_on_commit_callbacks):
    """Kari's patient on day 2 at 09; the next six weeks at that time: four
    free, one taken by someone else, one blocked; nothing in week seven."""
    first = SlotFactory(practitioner=practitioner, starts_at=weekly(2, 0))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            slot_id=first.pk, appointment_type=follow_up, **PATIENT
        )
    weeks = {
        n: SlotFactory(practitioner=practitioner, starts_at=weekly(2, n))
        for n in range(1, 7)
    }
    booking_create(
        slot_id=weeks[3].pk,
        appointment_type=follow_up,
        **{**PATIENT, "name": "Annen Pasient", "phone": "41234567", "email": ""},
    )
    weeks[5].is_withdrawn = True
    weeks[5].save()
    mail.outbox.clear()
    MemoryBackend.outbox.clear()
    return booking, weeks


def series_url(booking):
    return reverse(
        "admin:booking_book_series", args=[booking.slot.clinic_id, booking.pk]
    )


def test_the_course_page_says_what_each_week_is(client, reception, course):
    booking, weeks = course
    response = client.get(series_url(booking), {"hver": "1", "antall": "7"})
    assert response.status_code == 200
    html = response.content.decode()
    states = re.findall(r'<tr class="nm-series__row--(\w+)">', html)
    assert states == ["free", "free", "taken", "free", "blocked", "free", "outside"]
    for n in (1, 2, 4, 6):
        assert f'name="tider" value="{weeks[n].pk}"' in html
    assert f'name="tider" value="{weeks[3].pk}"' not in html
    text = page_text(html)
    assert "Opptatt" in text and "Blokkert" in text and "Utenfor timeplanen" in text
    every_second = client.get(series_url(booking), {"hver": "2", "antall": "3"})
    states = re.findall(
        r'<tr class="nm-series__row--(\w+)">', every_second.content.decode()
    )
    assert states == ["free", "free", "free"]  # weeks 2, 4 and 6


def test_a_course_is_booked_with_one_message_and_collisions_reported(
    client, reception, course, follow_up, django_capture_on_commit_callbacks
):
    booking, weeks = course
    url = series_url(booking)
    client.get(url, {"hver": "1", "antall": "6"})
    # Someone books week 2 online between the page and the press.
    booking_create(
        slot_id=weeks[2].pk,
        appointment_type=follow_up,
        **{**PATIENT, "name": "Rask Pasient", "phone": "41234568", "email": ""},
    )
    chosen = [weeks[n].pk for n in (1, 2, 4, 6)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"hver": "1", "antall": "6", "tider": chosen}, follow=True
        )
    text = page_text(response.content.decode())
    assert "Bestilt 3: " in text and "Pasienten får én melding." in text
    assert "Ikke bestilt: " in text
    made = Booking.objects.filter(series=Booking.objects.get(pk=booking.pk).series)
    assert sorted(made.values_list("slot_id", flat=True)) == sorted(
        [booking.slot_id, weeks[1].pk, weeks[4].pk, weeks[6].pk]
    )
    assert set(made.exclude(pk=booking.pk).values_list("channel", flat=True)) == {
        "phone"
    }
    for n in (1, 2, 4, 6):
        assert weeks[n].bookings.filter(status="confirmed").count() == 1
    # One e-mail and one SMS, listing every time.
    [message] = mail.outbox
    assert message.to == [PATIENT["email"]]
    assert "4 timer" in message.body
    for n in (1, 4, 6):
        assert f"{weeks[n].starts_at.astimezone(OSLO):%H.%M}" in message.body
    [sms] = BookingSms.objects.filter(kind="series")
    assert sms.sent_at is not None
    [(_to, sms_text, _key)] = MemoryBackend.outbox
    assert sms_text.startswith("NEMUS: Timene dine på NEMUS Testby:")


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"antall": "999"}, "Velg hvor mange ganger: fra 1 til 10."),
        ({"antall": "-1"}, "Velg hvor mange ganger: fra 1 til 10."),
        ({"antall": "tre"}, "Velg hvor mange ganger: fra 1 til 10."),
        ({"hver": "3"}, "Velg hver uke eller annenhver uke."),
    ],
)
def test_absurd_counts_get_a_message_and_book_nothing(
    client, reception, course, query, says
):
    booking, weeks = course
    before = Booking.objects.count()
    response = client.post(series_url(booking), {"tider": [weeks[1].pk], **query})
    assert response.status_code == 400
    assert says in page_text(response.content.decode())
    assert Booking.objects.count() == before


def test_another_clinics_booking_has_no_course_page(client, reception, follow_up):
    elsewhere = ClinicFactory(name="NEMUS Annet", slug="nemus-annet")
    slot = SlotFactory(
        practitioner=PractitionerFactory(clinic=elsewhere), starts_at=weekly(2, 0)
    )
    theirs = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    assert client.get(series_url(theirs)).status_code == 403


def test_a_patient_with_a_staff_booked_course_can_still_book_online(
    client, reception, course, practitioner, follow_up, settings
):
    booking, weeks = course
    client.post(
        series_url(booking),
        {"hver": "1", "antall": "6", "tider": [weeks[n].pk for n in (1, 2, 4, 6)]},
    )
    assert Booking.objects.filter(phone=booking.phone).count() == 5
    assert settings.BOOKING_MAX_FUTURE_PER_PHONE < 5
    online = SlotFactory(practitioner=practitioner, starts_at=weekly(3, 0, hour=11))
    again = booking_create(slot_id=online.pk, appointment_type=follow_up, **PATIENT)
    assert again.channel == "web"
