"""A booking reference patients can read aloud; staff find bookings by it, never by
fragments of a patient's name, number or address."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from booking.models import REFERENCE_ALPHABET, Booking, BookingAccess
from booking.services import booking_create
from tests.booking.conftest import PATIENT
from tests.booking.test_views import FORM, book_url

pytestmark = pytest.mark.django_db


def test_the_reference_is_on_the_confirmation_and_in_the_email(
    client, slot, follow_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(book_url(slot), FORM)
    booking = Booking.objects.get()
    assert re.fullmatch(f"[{REFERENCE_ALPHABET}]{{6}}", booking.reference)
    assert not set("0O1IL2Z5S6G8B") & set(booking.reference)
    page = client.get("/timebestilling/bekreftelse/").content.decode()
    assert f'<strong class="nm-reference">{booking.reference}</strong>' in page
    assert f"Bestillingsnummer: {booking.reference}" in mail.outbox[0].body


def test_references_differ(slot, follow_up, practitioner):
    import datetime as dt

    from tests.factories import SlotFactory

    references = {
        booking_create(
            slot_id=SlotFactory(
                practitioner=practitioner,
                starts_at=slot.starts_at + dt.timedelta(hours=n + 1),
            ).pk,
            appointment_type=follow_up,
            **{**PATIENT, "phone": f"4{n:07d}"},
        ).reference
        for n in range(3)
    }
    assert len(references) == 3


def test_staff_search_by_reference_not_by_patient_details(
    admin_client, slot, follow_up
):
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    url = reverse("admin:booking_booking_changelist")
    found = admin_client.get(url, {"q": booking.reference.lower()})
    assert list(found.context["cl"].result_list) == [booking]
    assert list(admin_client.get(url, {"q": "Test"}).context["cl"].result_list) == []
    by_practitioner = admin_client.get(
        url, {"practitioner__id__exact": slot.practitioner_id}
    )
    assert list(by_practitioner.context["cl"].result_list) == [booking]
    for lookup in ("email__icontains", "phone__startswith", "name__icontains"):
        response = admin_client.get(url, {lookup: "t"})
        assert response.status_code == 400, lookup
    assert BookingAccess.objects.count() == 0  # nothing personal was shown


def test_the_reference_is_in_the_english_email_too(
    client, slot, follow_up, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        url = reverse(
            "booking:book", kwargs={"clinic": slot.clinic.slug, "slot_id": slot.pk}
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, FORM)
    booking = Booking.objects.get()
    assert f"Booking reference: {booking.reference}" in mail.outbox[0].body
