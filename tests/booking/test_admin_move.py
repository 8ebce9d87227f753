"""Staff move a booking to another time from its page in the admin."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, BookingAccess
from booking.services import booking_create
from tests.booking.conftest import PATIENT
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def test_move_to_another_open_time(admin_client, slot, follow_up, practitioner):
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    later = SlotFactory(
        practitioner=practitioner, starts_at=slot.starts_at + dt.timedelta(hours=2)
    )
    url = reverse("admin:booking_booking_change", args=[booking.pk])
    page = admin_client.get(url).content.decode()
    assert f'<option value="{later.pk}">' in page
    response = admin_client.post(url, {"move_to": later.pk})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot_id == later.pk
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    assert BookingAccess.objects.filter(booking_id=booking.pk).count() == 2


def test_a_time_outside_the_choices_is_refused_with_a_message(
    admin_client, slot, follow_up, practitioner
):
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    far = SlotFactory(
        practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(days=90)
    )
    url = reverse("admin:booking_booking_change", args=[booking.pk])
    response = admin_client.post(url, {"move_to": far.pk})
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    booking.refresh_from_db()
    assert booking.slot_id == slot.pk


def test_a_time_taken_meanwhile_is_refused_at_the_choice(
    admin_client, slot, follow_up, practitioner
):
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    later = SlotFactory(
        practitioner=practitioner, starts_at=slot.starts_at + dt.timedelta(hours=2)
    )
    url = reverse("admin:booking_booking_change", args=[booking.pk])
    assert f'<option value="{later.pk}">' in admin_client.get(url).content.decode()
    # Another patient takes it before reception presses save.
    booking_create(
        slot_id=later.pk,
        appointment_type=follow_up,
        **{**PATIENT, "phone": "91234568"},
    )
    response = admin_client.post(url, {"move_to": later.pk})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["move_to"] == ["Noen andre bestilte den tiden like før deg."]
    booking.refresh_from_db()
    assert booking.slot_id == slot.pk
