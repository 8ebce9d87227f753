"""Finding a returning patient by phone number in the appointment book's phone form
(issue 37): the whole number, this clinic's kept bookings only, names with the
e-mail partly hidden, each lookup an access record and limited per user per hour."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.admin.book_lookup import masked_email
from booking.models import BookingAccess
from booking.services import booking_cancel, booking_create
from tests.booking.conftest import PATIENT
from tests.factories import ClinicFactory, PractitionerFactory, SlotFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db


def later(days, hour=9):
    return (timezone.now() + dt.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def family(practitioner, follow_up):
    """Two of a family share 412 34 567 at this clinic; a stranger has it at
    another; the open time to book."""
    for n, (name, email) in enumerate(
        [("Kari Hansen", "kari@example.no"), ("Ola Hansen", "ola.h@post.example.no")]
    ):
        booking_create(
            slot_id=SlotFactory(practitioner=practitioner, starts_at=later(2 + n)).pk,
            appointment_type=follow_up,
            **{**PATIENT, "name": name, "email": email, "phone": "41234567"},
        )
    elsewhere = PractitionerFactory(clinic=ClinicFactory(name="NEMUS Annet", slug="a"))
    booking_create(
        slot_id=SlotFactory(practitioner=elsewhere, starts_at=later(2)).pk,
        appointment_type=follow_up,
        **{**PATIENT, "name": "Fremmed Person", "phone": "+4791112222"},
    )
    return SlotFactory(practitioner=practitioner, starts_at=later(5))


def form_url(slot):
    return reverse("admin:booking_book_slot", args=[slot.clinic_id, slot.pk])


def test_a_shared_number_lists_the_family_with_hidden_e_mails(
    client, reception, family
):
    response = client.get(form_url(family), {"nummer": "412 34 567"})
    text = page_text(response.content.decode())
    assert "Kari Hansen · k***@e***.no" in text
    assert "Ola Hansen · o***@p***.no" in text
    assert "kari@example.no" not in response.content.decode()
    assert "Fremmed" not in text
    seen = BookingAccess.objects.filter(action="lookup", user=reception)
    assert seen.count() == 2
    # Choosing one fills the form with what they last gave.
    ola = seen.order_by("booking_id").last()
    chosen = client.get(
        form_url(family), {"nummer": "41234567", "pasient": ola.booking_id}
    )
    html = chosen.content.decode()
    assert 'value="Ola Hansen"' in html and 'value="ola.h@post.example.no"' in html


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("1234", "Skriv hele nummeret"),
        ("4123", "Skriv hele nummeret"),
        ("911 12 222", "Ingen pasient ved denne klinikken har det nummeret."),
    ],
)
def test_a_partial_or_another_clinics_number_shows_no_one(
    client, reception, family, number, says
):
    response = client.get(form_url(family), {"nummer": number})
    assert response.status_code == 200
    text = page_text(response.content.decode())
    assert says in text and "Fremmed" not in text and "Hansen" not in text
    assert not BookingAccess.objects.filter(action="lookup").exists()


def test_a_cancelled_booking_has_no_details_to_find(
    client, reception, family, practitioner, follow_up
):
    gone = booking_create(
        slot_id=SlotFactory(practitioner=practitioner, starts_at=later(8)).pk,
        appointment_type=follow_up,
        **{**PATIENT, "name": "Borte Person", "phone": "92223333"},
    )
    booking_cancel(booking_id=gone.pk)
    text = page_text(
        client.get(form_url(family), {"nummer": "922 23 333"}).content.decode()
    )
    assert "Ingen pasient ved denne klinikken har det nummeret." in text


def test_lookups_beyond_the_hours_limit_are_refused(
    client, reception, family, settings
):
    settings.BOOK_LOOKUPS_PER_HOUR = 2
    for _ in range(2):
        client.get(form_url(family), {"nummer": "41234567"})
    refused = client.get(form_url(family), {"nummer": "41234567"})
    text = page_text(refused.content.decode())
    assert "Du har slått opp for mange numre denne timen." in text
    assert "Kari Hansen" not in text
    assert BookingAccess.objects.filter(action="lookup").count() == 4


def test_the_e_mail_is_hidden_but_tells_two_apart():
    assert masked_email("kari@example.no") == "k***@e***.no"
    assert masked_email("") == ""
    assert masked_email("x@localhost") == "x***@l***"
