"""A waiting list that can match (issue 35): choices that contradict each other
are refused with what to change, and an opened time is offered only to entries
whose appointment type fits it and whose time of day it falls in."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import AppointmentType, TimeOfDay, WaitlistEntry, WaitlistOffer
from booking.outside.sms import MemoryBackend
from booking.services import (
    WaitlistError,
    booking_cancel,
    booking_create,
    waitlist_join,
)
from clinics.models import Profession
from tests.booking.conftest import PATIENT, day, oslo
from tests.factories import PractitionerFactory, SlotFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def manual(clinic):
    return PractitionerFactory(
        clinic=clinic, name="Anders Larsen", profession=Profession.MANUAL_THERAPIST
    )


def join_url(clinic):
    return reverse("booking:waitlist_join", args=[clinic.slug])


def sign_up(**choices):
    return {
        "latest_date": day(10).isoformat(),
        "channel": "sms",
        "phone": "912 34 567",
        **choices,
    }


@pytest.mark.parametrize(
    ("choices", "field", "message"),
    [
        (
            {"practitioner": "manual", "profession": Profession.CHIROPRACTOR},
            "profession",
            "Anders Larsen er manuellterapeut. Velg det yrket, eller alle yrker.",
        ),
        (
            {"profession": Profession.CHIROPRACTOR, "time_of_day": "natt"},
            "time_of_day",
            "Velg formiddag, ettermiddag eller når som helst.",
        ),
        (
            {"appointment_type": "ukjent-type"},
            "appointment_type",
            "Velg en type time fra listen.",
        ),
    ],
)
def test_choices_that_can_never_match_are_refused_and_nothing_saved(
    client, clinic, practitioner, manual, follow_up, choices, field, message
):
    if choices.get("practitioner") == "manual":
        choices = {**choices, "practitioner": str(manual.pk)}
    response = client.post(join_url(clinic), sign_up(**choices))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in page_text(html)
    # Told at the field, linked from the summary.
    assert f'href="#id_{field}' in html
    assert not WaitlistEntry.objects.exists()
    assert MemoryBackend.outbox == []


def test_a_type_no_one_chosen_offers_is_refused_by_the_service_too(
    clinic, practitioner, manual
):
    physio_only = AppointmentType.objects.create(
        name="Fysioterapi",
        slug="fysio",
        duration_minutes=30,
        price_nok=600,
        professions=[Profession.PHYSIOTHERAPIST],
    )
    with pytest.raises(WaitlistError, match="Fysioterapi tilbys ikke"):
        waitlist_join(
            clinic=clinic,
            latest_date=day(5),
            channel="sms",
            phone="91234567",
            practitioner=manual,
            appointment_type=physio_only,
        )
    with pytest.raises(WaitlistError, match="Anders Larsen er manuellterapeut"):
        waitlist_join(
            clinic=clinic,
            latest_date=day(5),
            channel="sms",
            phone="91234567",
            practitioner=manual,
            profession=Profession.CHIROPRACTOR,
        )
    assert not WaitlistEntry.objects.exists()


def test_type_and_time_of_day_are_chosen_saved_and_shown(
    client, clinic, practitioner, follow_up, first_consultation
):
    page = client.get(join_url(clinic)).content.decode()
    assert "Førstegangskonsultasjon, 45 min" in page_text(page)
    assert "Oppfølging, 30 min (hvis du har vært her før)" in page_text(page)
    assert "Formiddag (før kl. 12.00)" in page_text(page)
    response = client.post(
        join_url(clinic),
        sign_up(appointment_type="forstegangskonsultasjon", time_of_day="afternoon"),
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert entry.appointment_type == first_consultation
    assert entry.time_of_day == TimeOfDay.AFTERNOON
    # Confirmed (the code from the SMS), its page shows what it waits for.
    WaitlistEntry.objects.filter(pk=entry.pk).update(confirmed_at=timezone.now())
    text = page_text(client.get(response["Location"]).content.decode())
    assert "Type time Førstegangskonsultasjon, 45 min" in text
    assert "Tid på dagen Ettermiddag (fra kl. 12.00)" in text


def entry(clinic, n, **fields):
    return WaitlistEntry.objects.create(
        clinic=clinic,
        latest_date=day(20),
        channel="sms",
        phone=f"+479123450{n}",
        confirmed_at=timezone.now() - dt.timedelta(minutes=60 - n),
        **fields,
    )


@pytest.mark.parametrize(
    ("hour", "minutes", "offered"),
    [
        # A 30 min morning time: a follow-up in the morning or at any time.
        (9, 30, {"any", "morning", "follow_up"}),
        # A 45 min afternoon time: a first consultation fits too.
        (14, 45, {"any", "afternoon", "follow_up", "first"}),
    ],
)
def test_an_opened_time_is_offered_to_the_entries_it_suits(
    clinic,
    practitioner,
    follow_up,
    first_consultation,
    settings,
    django_capture_on_commit_callbacks,
    hour,
    minutes,
    offered,
):
    settings.WAITLIST_QUIET_FROM = settings.WAITLIST_QUIET_UNTIL = 0
    settings.WAITLIST_OFFERS_PER_TIME = 10
    start = oslo(3, hour)
    slot = SlotFactory(
        practitioner=practitioner,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
    )
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    entries = {
        "any": entry(clinic, 1),
        "morning": entry(clinic, 2, time_of_day=TimeOfDay.MORNING),
        "afternoon": entry(clinic, 3, time_of_day=TimeOfDay.AFTERNOON),
        "follow_up": entry(clinic, 4, appointment_type=follow_up),
        "first": entry(clinic, 5, appointment_type=first_consultation),
    }
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking_id=booking.pk)
    got = set(WaitlistOffer.objects.values_list("entry_id", flat=True))
    assert got == {entries[name].pk for name in offered}


def test_the_waiting_list_is_reached_from_the_booking_start_and_no_times(
    client, clinic, practitioner, follow_up
):
    link = f'href="{join_url(clinic)}"'
    # No times at all: the booking start and the day view lead to the list.
    assert link in client.get("/timebestilling/").content.decode()
    html = client.get(f"/timebestilling/{clinic.slug}/").content.decode()
    box = html.split('id="no-times"')[1].split("</section>")[0]
    assert link in box
    assert "Sett deg på ventelisten" in page_text(box)
    # A time someone took first with none near it: the list too.
    slot = SlotFactory(practitioner=practitioner, starts_at=oslo(3, 10))
    booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    form = {
        "appointment_type": "oppfolging",
        "name": "Sen Pasient",
        "phone": "41234567",
        "email": "sen@example.invalid",
        "is_new_patient": "tidligere",
        "privacy": "on",
    }
    response = client.post(f"/timebestilling/{clinic.slug}/{slot.pk}/", form)
    assert response.status_code == 409
    assert link in response.content.decode()
