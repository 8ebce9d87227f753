import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from booking.formatting import slot_time
from booking.links import cancel_token
from booking.models import (
    AppointmentType,
    Booking,
    BookingAccess,
    ClinicBookingPolicy,
    Slot,
)
from booking.services import TypeNotForPatient, booking_create
from tests.booking.conftest import PATIENT
from tests.factories import ClinicFactory, PractitionerFactory, SlotFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db

FORM = {
    "appointment_type": "oppfolging",
    "name": "Test Testesen",
    "phone": "912 34 567",
    "email": "test@example.invalid",
    "is_new_patient": "tidligere",
    "privacy": "on",
}


def book_url(slot):
    return f"/timebestilling/{slot.clinic.slug}/{slot.pk}/"


def test_slot_page_lists_open_times_by_day_with_the_next_first(client, slot, follow_up):
    html = client.get("/timebestilling/nemus-testby/").content.decode()
    text = page_text(html)
    # The first view opens on the slot's day, its time a button under its
    # practitioner.
    day = timezone.localtime(slot.starts_at).date()
    assert 'aria-current="date">' in html
    assert f"?dag={day:%Y-%m-%d}&amp;uke=0#tider" in html
    assert f'href="{book_url(slot)}"' in html
    assert "Kari Rygg kiropraktor" in text
    assert re.search(r">\d\d\.00<span", html)
    # Search engines get a description; each slot's form is kept out of them.
    assert '<meta name="description" content="Bestill time hos ' in html
    form = client.get(book_url(slot)).content.decode()
    assert '<meta name="robots" content="noindex">' in form


def test_no_open_times_gives_the_phone_and_hours(client, clinic, follow_up):
    html = client.get("/timebestilling/nemus-testby/").content.decode()
    assert "Ingen ledige timer på nettet for det du valgte." in html
    assert (
        "Dersom du ikke finner ledig time på nettet, kan du ringe klinikken direkte."
        in html
    )
    assert '<a class="nm-phone-link" href="tel:22000099">' in html
    assert "Åpent i dag" in html


def test_online_booking_switched_off_gives_the_phone(client, slot, follow_up):
    ClinicBookingPolicy.objects.create(clinic=slot.clinic, online_booking=False)
    html = client.get("/timebestilling/nemus-testby/").content.decode()
    assert "Denne klinikken tar ikke imot bestillinger på nettet akkurat nå." in html
    assert 'href="tel:22000099"' in html
    assert client.get(book_url(slot)).status_code == 410
    assert "kan ikke lenger bestilles" in client.get(book_url(slot)).content.decode()


def test_nearby_clinics_with_times_are_suggested(client, clinic, follow_up):
    other = ClinicFactory(name="NEMUS Nabo", slug="nemus-nabo", latitude=59.95)
    SlotFactory(practitioner=PractitionerFactory(clinic=other))
    html = client.get("/timebestilling/nemus-testby/").content.decode()
    assert (
        '<a href="/timebestilling/nemus-nabo/">NEMUS Nabo</a>: neste ledige time'
        in html
    )


def test_the_whole_booking_flow(
    client, slot, follow_up, django_capture_on_commit_callbacks
):
    form = client.get(book_url(slot))
    assert (
        form["Cache-Control"]
        == "max-age=0, no-cache, no-store, must-revalidate, private"
    )
    html = form.content.decode()
    assert "Ring 113 med en gang hvis du har vondt i ryggen og:" in html
    assert 'href="tel:113"' in html
    assert "fødselsnummer" not in html.lower()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(slot), FORM)
    assert response.status_code == 302
    assert response["Location"] == "/timebestilling/bekreftelse/"
    booking = Booking.objects.get()
    assert (booking.name, booking.phone, booking.is_new_patient) == (
        "Test Testesen",
        "+4791234567",
        False,
    )
    confirmation = client.get(response["Location"])
    assert confirmation["Cache-Control"].startswith("max-age=0, no-cache, no-store")
    assert "Timen er bestilt" in confirmation.content.decode()
    assert len(mail.outbox) == 1
    assert "Test Testesen" not in response["Location"]


def test_form_errors_are_summarised_and_shown_at_each_field(client, slot, follow_up):
    response = client.post(
        book_url(slot), {**FORM, "phone": "123", "email": "x", "privacy": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="nm-error-summary".*?</div>', html, re.S).group(0)
    assert (
        '<a href="#id_phone">Skriv inn et mobilnummer, for eksempel 912 34 567.</a>'
        in summary
    )
    assert (
        '<a href="#id_email">Skriv inn en e-postadresse som navn@eksempel.no.</a>'
        in summary
    )
    assert "Kryss av for at du har lest personvernerklæringen." in summary
    assert 'aria-describedby="id_phone-hint id_phone-error1"' in html
    assert "<title>Feil: Dine opplysninger – NEMUS</title>" in html
    assert Booking.objects.count() == 0


def test_form_errors_in_english(client, slot, follow_up):
    response = client.post(f"/en/booking/nemus-testby/{slot.pk}/", {**FORM, "name": ""})
    assert "Enter your full name." in response.content.decode()


def test_a_slot_taken_meanwhile_is_told_kindly_with_other_times(
    client, slot, follow_up, practitioner
):
    other = SlotFactory(
        practitioner=practitioner, starts_at=slot.starts_at + dt.timedelta(hours=1)
    )
    booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    response = client.post(book_url(slot), {**FORM, "phone": "41234567"})
    html = response.content.decode()
    assert response.status_code == 409  # just taken: a conflict, told kindly
    assert "Noen andre bestilte den tiden like før deg." in html
    # The time nearby opens the form for it, with what was typed (a POST).
    assert f'formaction="{book_url(other)}"' in html
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("slot_id", "status", "says"),
    [
        (999999, 404, "Den tiden kan ikke lenger bestilles på nettet."),
        # Longer than any id a database can hold.
        (99999999999999999999, 404, "Den tiden kan ikke lenger bestilles på nettet."),
        ("abc", 404, "Fant ikke siden"),
    ],
)
def test_a_tampered_slot_id_gets_a_clear_page(
    client, slot, follow_up, slot_id, status, says
):
    response = client.get(f"/timebestilling/nemus-testby/{slot_id}/")
    assert response.status_code == status
    assert says in response.content.decode()
    response = client.post(f"/timebestilling/nemus-testby/{slot_id}/", FORM)
    assert response.status_code == status
    assert says in response.content.decode()
    assert Booking.objects.count() == 0


def test_a_slot_of_another_clinic_cannot_be_booked_through_this_one(
    client, slot, follow_up
):
    ClinicFactory(slug="nemus-annen")
    response = client.post(f"/timebestilling/nemus-annen/{slot.pk}/", FORM)
    assert response.status_code == 404
    assert "Den tiden kan ikke lenger bestilles på nettet." in response.content.decode()
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("change", ["past", "withdrawn"])
def test_a_gone_slot_answers_410_with_other_times(
    client, slot, follow_up, practitioner, change
):
    if change == "past":
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=timezone.now() - dt.timedelta(hours=2),
            ends_at=timezone.now() - dt.timedelta(hours=1, minutes=30),
        )
    else:
        Slot.objects.filter(pk=slot.pk).update(is_withdrawn=True)
    response = client.post(book_url(slot), FORM)
    assert response.status_code == 410
    assert "Den tiden kan ikke lenger bestilles på nettet." in response.content.decode()
    assert Booking.objects.count() == 0


def test_the_honeypot_refuses_bots(client, slot, follow_up):
    response = client.post(book_url(slot), {**FORM, "website": "http://spam"})
    assert response.status_code == 400
    assert Booking.objects.count() == 0


def test_booking_posts_are_rate_limited_per_address(client, slot, follow_up, settings):
    settings.BOOKING_RATE_LIMIT = 2
    for _ in range(2):
        client.post(book_url(slot), {**FORM, "name": ""})
    response = client.post(book_url(slot), FORM)
    assert response.status_code == 429
    assert "For mange bestillinger fra denne tilkoblingen." in response.content.decode()
    assert Booking.objects.count() == 0


def test_behind_a_proxy_the_rate_limit_counts_each_patient_apart(
    client, slot, follow_up, settings
):
    settings.BOOKING_RATE_LIMIT = 2
    settings.NEMUS_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(2):
        client.post(
            book_url(slot),
            {**FORM, "name": ""},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
    # A forged entry on the left does not make the same patient someone else.
    blocked = client.post(
        book_url(slot),
        {**FORM, "name": ""},
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
        **proxy,
    )
    assert blocked.status_code == 429
    other = client.post(
        book_url(slot),
        {**FORM, "name": ""},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
        **proxy,
    )
    # Not limited: the form answers with its own message about the missing name.
    assert other.status_code == 400
    assert "Skriv inn fullt navn." in other.content.decode()


def test_cancel_link_shows_then_cancels_and_the_time_opens_again(
    client, slot, follow_up
):
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    url = f"/timebestilling/avbestill/{cancel_token(booking)}/"
    shown = client.get(url)
    assert shown["Cache-Control"].startswith("max-age=0, no-cache, no-store")
    assert "Ja, avbestill timen" in shown.content.decode()
    done = client.post(url)
    assert "Timen er avbestilt" in done.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.name == ""
    assert Slot.objects.open().filter(pk=slot.pk).exists()
    assert (
        f'href="{book_url(slot)}"'
        in client.get("/timebestilling/nemus-testby/").content.decode()
    )


def test_a_forged_cancel_link_gets_a_clear_page(client, slot, follow_up):
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    token = cancel_token(booking)
    response = client.post(f"/timebestilling/avbestill/{token[:-2]}xx/")
    assert response.status_code == 404
    assert "Lenken virker ikke" in response.content.decode()
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_after_a_key_rotation_sent_cancel_links_work_while_the_old_key_is_a_fallback(
    client, slot, follow_up, settings
):
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    url = f"/timebestilling/avbestill/{cancel_token(booking)}/"
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "n" * 50
    settings.SECRET_KEY_FALLBACKS = []
    assert "Lenken virker ikke" in client.get(url).content.decode()
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert "Ja, avbestill timen" in client.get(url).content.decode()


def test_inside_the_cutoff_the_cancel_page_gives_the_phone(
    client, practitioner, follow_up
):
    slot = SlotFactory(
        practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(hours=5)
    )
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    html = client.get(
        f"/timebestilling/avbestill/{cancel_token(booking)}/"
    ).content.decode()
    assert (
        "Timer kan endres eller avbestilles på nettet til 24 timer før. "
        "Ring klinikken:" in html
    )
    assert 'href="tel:22000099"' in html
    assert "Ja, avbestill timen" not in html
    assert "/timebestilling/endre/" not in html


def test_staff_opening_a_booking_is_recorded_and_staff_see_only_their_clinic(
    client, django_user_model, slot, follow_up
):
    from django.contrib.auth.models import Group

    from booking.models import ClinicStaff

    mine = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    other_slot = SlotFactory(
        practitioner=PractitionerFactory(clinic=ClinicFactory(slug="annen"))
    )
    theirs = booking_create(
        slot_id=other_slot.pk,
        appointment_type=follow_up,
        **{**PATIENT, "phone": "41234567"},
    )
    user = django_user_model.objects.create_user(
        "resepsjon", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Resepsjon"))
    ClinicStaff.objects.create(user=user, clinic=slot.clinic)
    client.force_login(user)
    listing = client.get(reverse("admin:booking_booking_changelist")).content.decode()
    assert reverse("admin:booking_booking_change", args=[mine.pk]) in listing
    assert reverse("admin:booking_booking_change", args=[theirs.pk]) not in listing
    assert "Test Testesen" not in listing  # names only on the booking's own page
    page = client.get(reverse("admin:booking_booking_change", args=[mine.pk]))
    assert "Test Testesen" in page.content.decode()
    assert client.get(
        reverse("admin:booking_booking_change", args=[theirs.pk])
    ).status_code in (
        302,
        403,
        404,
    )
    access = BookingAccess.objects.get(booking_id=mine.pk)
    assert (access.username, access.action, access.clinic_id) == (
        "resepsjon",
        "view",
        slot.clinic_id,
    )


@pytest.fixture
def add_by_phone(client, django_user_model, slot, follow_up):
    """Post the booking list's "add" as an administrator: the time and kind of
    the fixtures, the patient as given."""
    admin = django_user_model.objects.create_superuser("sjef", "s@example.invalid", "x")
    client.force_login(admin)

    def post(**patient):
        return client.post(
            reverse("admin:booking_booking_add"),
            {"slot": slot.pk, "appointment_type": follow_up.pk, **patient},
        )

    return post


def test_staff_book_by_phone_through_the_same_service(add_by_phone):
    response = add_by_phone(
        name="Per Telefon", phone="45 67 89 01", email="", is_new_patient="on"
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.channel, booking.phone) == ("phone", "+4745678901")
    again = add_by_phone(name="To", phone="45678902")
    # Said at the time it is about, with what reception typed kept.
    form = again.context["adminform"].form
    assert form.errors["slot"] == ["Noen andre bestilte den tiden like før deg."]
    assert 'value="To"' in again.content.decode()
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("phone", "stored"), [("22 33 44 55", "+4722334455"), ("", "")]
)
def test_the_booking_lists_add_takes_a_landline_or_no_number_like_the_book(
    add_by_phone, phone, stored
):
    """One staff rule for phone bookings (issue 30): the list's add form asked for a
    mobile number where the appointment book takes a landline or none."""
    response = add_by_phone(name="Per Fasttelefon", phone=phone)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.channel, booking.phone) == ("phone", stored)
    # No SMS to a landline or to nobody.
    assert not booking.sms_messages.exists()


def test_a_practitioner_without_times_points_to_the_others(
    client, clinic, slot, follow_up
):
    busy = PractitionerFactory(clinic=clinic, name="Ola Opptatt")
    html = client.get(
        "/timebestilling/nemus-testby/", {"behandler": busy.pk}
    ).content.decode()
    assert "Ingen ledige timer på nettet for det du valgte." in html
    assert "Andre behandlere her har ledige timer." in html
    assert "Første: " in html and "Kari Rygg" in html


def test_staff_see_bookings_by_day(client, django_user_model, slot, follow_up):
    booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    client.force_login(
        django_user_model.objects.create_superuser("s", "s@x.invalid", "x")
    )
    day = timezone.localtime(slot.starts_at).date()
    listing = client.get(
        reverse("admin:booking_booking_changelist"), {"day": day.isoformat()}
    ).content.decode()
    assert "1 timebestilling" in listing
    other_day = (day + dt.timedelta(days=1)).isoformat()
    empty = client.get(
        reverse("admin:booking_booking_changelist"), {"day": other_day}
    ).content.decode()
    assert "0 timebestillinger" in empty
    day_list = client.get(
        reverse("admin:booking_booking_day_list"), {"date": day.isoformat()}
    )
    assert "Test Testesen" in day_list.content.decode()
    assert BookingAccess.objects.filter(action="day-list").count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "\u200b\u200b\u200b",  # zero-width spaces
        "\u202e\u202e",  # right-to-left overrides
        "\U000e0041\U000e0042\U000e0043",  # tag characters
        "\x01\x02\x03",  # control characters
        "12 34",  # no letter
    ],
)
def test_a_name_needs_a_visible_letter(client, slot, follow_up, name):
    response = client.post(book_url(slot), {**FORM, "name": name})
    assert response.status_code == 400
    assert "Skriv inn fullt navn." in response.content.decode()
    assert not Booking.objects.exists()


def test_a_name_loses_control_and_format_characters(
    client, slot, follow_up, django_capture_on_commit_callbacks
):
    """A right-to-left override showed raw in the printed day list (issue 29)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            book_url(slot), {**FORM, "name": "\u202eKari\u200b \x07Nord\u00admann"}
        )
    assert response.status_code == 302
    assert Booking.objects.get().name == "Kari Nordmann"


def test_the_rules_are_said_before_the_booking_and_repeated_after(
    client, slot, follow_up, django_capture_on_commit_callbacks
):
    policy = ClinicBookingPolicy.for_clinic(slot.clinic)
    policy.cancel_cutoff_hours = 24
    policy.save()
    with translation.override("nb"):
        deadline = slot_time(slot.starts_at - dt.timedelta(hours=24))
    rule = (
        f"Du kan endre eller avbestille på nett til {deadline}. Etter det: ring "
        "klinikken."
    )
    assert rule in page_text(client.get(book_url(slot)).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(slot), FORM, follow=True)
    assert rule in page_text(response.content.decode())
    assert rule in " ".join(mail.outbox[0].body.split())


def test_inside_the_cutoff_the_form_says_it_cannot_be_changed_online(
    client, practitioner, follow_up
):
    policy = ClinicBookingPolicy.for_clinic(practitioner.clinic)
    policy.cancel_cutoff_hours = 24
    policy.min_notice_hours = 2
    policy.save()
    soon = SlotFactory(
        practitioner=practitioner,
        starts_at=(timezone.now() + dt.timedelta(hours=5)).replace(
            second=0, microsecond=0
        ),
    )
    text = page_text(client.get(book_url(soon)).content.decode())
    assert (
        "Denne timen kan ikke endres eller avbestilles på nett: det er mindre enn 24 "
        "timer til. Ring klinikken hvis du ikke kan komme."
    ) in text


@pytest.fixture
def long_slot(practitioner):
    """Day 4, 45 minutes: long enough for a first consultation."""
    start = (timezone.now() + dt.timedelta(days=4)).replace(
        minute=0, second=0, microsecond=0
    )
    return SlotFactory(
        practitioner=practitioner,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
    )


def test_a_new_patient_is_offered_only_types_for_new_patients(
    client, long_slot, follow_up, first_consultation
):
    assert follow_up.audience == AppointmentType.Audience.RETURNING
    html = client.get(book_url(long_slot), {"ny": "1"}).content.decode()
    assert 'value="forstegangskonsultasjon"' in html
    assert 'value="oppfolging"' not in html
    assert re.search(r'value="ny"[^>]*checked', html)
    # A returning patient sees both.
    html = client.get(book_url(long_slot), {"ny": "0"}).content.decode()
    assert 'value="forstegangskonsultasjon"' in html and 'value="oppfolging"' in html


def test_a_hand_made_post_of_a_follow_up_for_a_new_patient_is_refused(
    client, long_slot, follow_up, first_consultation
):
    # Long enough for a first consultation: the form offers both types.
    response = client.post(book_url(long_slot), {**FORM, "is_new_patient": "ny"})
    assert response.status_code == 400
    assert (
        "Oppfølging er for pasienter som har vært på klinikken før. Som ny pasient "
        "velger du en førstegangskonsultasjon."
    ) in page_text(response.content.decode())
    assert not Booking.objects.exists()


def test_the_service_refuses_a_type_not_meant_for_the_patient(slot, follow_up):
    with pytest.raises(TypeNotForPatient):
        booking_create(
            slot_id=slot.pk,
            appointment_type=follow_up,
            **{**PATIENT, "is_new_patient": True},
        )
    assert not Booking.objects.exists()


def test_a_time_too_short_for_a_new_patient_says_so(client, slot, follow_up):
    response = client.get(book_url(slot), {"ny": "1"})
    assert response.status_code == 200
    assert "Denne tiden er for kort for en time for nye pasienter." in page_text(
        response.content.decode()
    )


def test_a_new_patient_on_a_time_too_short_for_them_is_sent_to_other_times(
    client, slot, follow_up, first_consultation
):
    # Reached without answering "first time with us?": only a follow-up fits.
    html = client.get(book_url(slot)).content.decode()
    assert 'value="forstegangskonsultasjon"' not in html
    response = client.post(
        book_url(slot),
        {**FORM, "appointment_type": "oppfolging", "is_new_patient": "ny"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Denne tiden er for kort for en time for nye pasienter. Velg en annen tid."
    ) in page_text(html)
    # Not told to choose a type this time does not offer.
    assert "velger du en førstegangskonsultasjon" not in page_text(html)
    clinic_url = f"/timebestilling/{slot.clinic.slug}/"
    assert f'<a href="{clinic_url}?ny=1">Velg en annen tid</a>' in html
    assert not Booking.objects.exists()
    # The link from a time keeps the answer it came with.
    html = client.get(book_url(slot), {"ny": "0"}).content.decode()
    assert f'<a href="{clinic_url}?ny=0">Velg en annen tid</a>' in html
