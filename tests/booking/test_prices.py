"""Issue 38: a clinic's own prices, and what the patient pays after HELFO, on the
clinic page, the day view, the form, the confirmation and its e-mail; and the admin
refusing amounts that cannot hold."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from booking.models import Booking, ClinicPrice, DirectSettlement, HelfoRate
from booking.selectors import appointment_types_for, costs_get
from clinics.models import Profession
from tests.booking.conftest import day, oslo
from tests.booking.test_views import FORM, book_url
from tests.factories import ClinicFactory, PractitionerFactory, SlotFactory
from tests.text import page_text

SOURCE = {
    "source_name": "helsenorge.no: Betaling hos kiropraktor",
    "source_url": "https://helsenorge.no/betaling-for-helsetjenester/betaling-hos-kiropraktor",
}


def helfo_rate(appointment_type, amount, start, end=None, **fields):
    fields = {
        "profession": Profession.CHIROPRACTOR,
        "kind": HelfoRate.Kind.REFUND,
        "conditions_nb": "Gjelder behandling av muskel- og skjelettplager.",
        "conditions_en": "For muscle and joint problems.",
        **SOURCE,
        **fields,
    }
    return HelfoRate.objects.create(
        appointment_type=appointment_type,
        amount_nok=amount,
        valid_from=start,
        valid_until=end,
        **fields,
    )


def form_text(client, slot) -> str:
    response = client.get(book_url(slot))
    assert response.status_code == 200
    return page_text(response.content.decode())


def test_a_clinics_own_price_holds_on_every_page_and_email(
    client, clinic, slot, follow_up, django_capture_on_commit_callbacks
):
    ClinicPrice.objects.create(clinic=clinic, appointment_type=follow_up, price_nok=650)
    elsewhere = SlotFactory(
        practitioner=PractitionerFactory(clinic=ClinicFactory(slug="nemus-annet")),
        starts_at=oslo(3, 12),
    )

    clinic_page = page_text(client.get(clinic.get_absolute_url()).content.decode())
    assert "Oppfølging 30 min 650 kr" in clinic_page
    assert "590 kr" not in clinic_page
    day_view = page_text(client.get(f"/timebestilling/{clinic.slug}/").content.decode())
    assert "Oppfølging (30 min, 650 kr)" in day_view
    assert "Oppfølging – 30 min, 650 kr" in form_text(client, slot)
    # Another clinic keeps the type's price.
    assert "Oppfølging – 30 min, 590 kr" in form_text(client, elsewhere)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(slot), FORM)
    assert response.status_code == 302
    confirmation = page_text(client.get(response["Location"]).content.decode())
    assert "Oppfølging (30 min, 650 kr)" in confirmation
    assert len(mail.outbox) == 1
    assert "Oppfølging (30 min, 650 kr)" in mail.outbox[0].body
    assert "590" not in mail.outbox[0].body
    assert Booking.objects.get().price == 650


def test_what_the_patient_pays_for_each_settlement(client, clinic, slot, follow_up):
    # No direct settlement: the whole price.
    text = form_text(client, slot)
    assert (
        "Oppfølging: Du betaler 590 kr. HELFO gir ingen refusjon for denne timen."
        in text
    )

    # Direct settlement without HELFO's amount for the day: said, not guessed.
    DirectSettlement.objects.create(clinic=clinic, profession=Profession.CHIROPRACTOR)
    assert (
        "Du betaler 590 kr, minus HELFOs andel: vi har ikke HELFOs beløp for denne "
        "datoen, så spør oss hva det er." in form_text(client, slot)
    )

    # With it: the price less HELFO's share, its conditions and source.
    helfo_rate(follow_up, 64, day(-30))
    text = form_text(client, slot)
    assert (
        "Oppfølging: Du betaler 526 kr. HELFO dekker 64 kr, som vi trekker fra med en "
        "gang." in text
    )
    assert "Gjelder behandling av muskel- og skjelettplager." in text
    assert "Kilde: helsenorge.no: Betaling hos kiropraktor" in text

    # A physiotherapist with a public funding agreement: the patient fee instead.
    physio = PractitionerFactory(
        clinic=clinic, profession=Profession.PHYSIOTHERAPIST, public_agreement=True
    )
    physio_slot = SlotFactory(practitioner=physio, starts_at=oslo(3, 14))
    text = form_text(client, physio_slot)
    assert "Du betaler bare egenandelen: behandleren har driftsavtale" in text
    helfo_rate(
        follow_up,
        185,
        day(-30),
        profession=Profession.PHYSIOTHERAPIST,
        kind=HelfoRate.Kind.PATIENT_FEE,
    )
    text = form_text(client, physio_slot)
    assert (
        "Oppfølging: Du betaler egenandelen, 185 kr: behandleren har driftsavtale med "
        "kommunen." in text
    )
    assert "526 kr" not in text


def test_the_amount_follows_the_appointments_date(
    client, clinic, practitioner, follow_up
):
    DirectSettlement.objects.create(clinic=clinic, profession=Profession.CHIROPRACTOR)
    helfo_rate(follow_up, 64, day(-100), day(4))
    helfo_rate(follow_up, 70, day(5))
    before = SlotFactory(practitioner=practitioner, starts_at=oslo(4, 10))
    after = SlotFactory(practitioner=practitioner, starts_at=oslo(5, 10))
    assert "Du betaler 526 kr. HELFO dekker 64 kr" in form_text(client, before)
    assert "Du betaler 520 kr. HELFO dekker 70 kr" in form_text(client, after)

    types = appointment_types_for(professions={"kiropraktor"}, clinic=clinic)
    payer = (Profession.CHIROPRACTOR, False)
    for on, helfo in ((day(4), 64), (day(5), 70), (day(400), 70)):
        costs = costs_get(clinic=clinic, types=types, payers=[payer], day=on)
        assert costs[(*payer, follow_up.pk)].helfo == helfo


def test_the_clinic_page_lists_what_each_kind_of_practitioner_costs(
    client, clinic, practitioner, follow_up, first_consultation
):
    DirectSettlement.objects.create(clinic=clinic, profession=Profession.CHIROPRACTOR)
    helfo_rate(first_consultation, 139, day(-10))
    PractitionerFactory(clinic=clinic, profession=Profession.PHYSICIAN)
    text = page_text(client.get(clinic.get_absolute_url()).content.decode())
    assert "Priser ved NEMUS Testby" in text
    assert "Førstegangskonsultasjon 45 min 890 kr" in text
    assert (
        "Kiropraktor: Du betaler 751 kr. HELFO dekker 139 kr, som vi trekker fra med "
        "en gang." in text
    )
    assert "Lege: Du betaler 890 kr. HELFO gir ingen refusjon for denne timen." in text
    assert (
        "Skriv ut prislisten" in client.get(clinic.get_absolute_url()).content.decode()
    )


def test_demo_amounts_show_only_on_the_demo_site(
    client, clinic, slot, follow_up, settings
):
    DirectSettlement.objects.create(clinic=clinic, profession=Profession.CHIROPRACTOR)
    helfo_rate(follow_up, 64, day(-30), is_demo=True)
    settings.DEMO_MODE = False
    assert "HELFO dekker 64 kr" not in form_text(client, slot)
    settings.DEMO_MODE = True
    text = form_text(client, slot)
    assert "HELFO dekker 64 kr" in text
    assert "Eksempeltall for demosiden, ikke HELFOs." in text


# --- The admin refuses what cannot hold --------------------------------------------


def rate_form(kind, **fields):
    return {
        "profession": "kiropraktor",
        "appointment_type": str(kind.pk),
        "kind": "refund",
        "amount_nok": "64",
        "valid_from": day(0).isoformat(),
        "valid_until": "",
        "conditions_nb": "Vilkår.",
        "conditions_en": "Conditions.",
        **SOURCE,
        **fields,
    }


def admin_errors(response) -> dict:
    assert response.status_code == 200  # the form again, not a redirect
    form = response.context["adminform"].form
    return {name: " ".join(errors) for name, errors in form.errors.items()}


def test_the_admin_refuses_helfo_amounts_that_cannot_hold(admin_client, follow_up):
    url = reverse("admin:booking_helforate_add")
    errors = admin_errors(
        admin_client.post(
            url,
            rate_form(
                follow_up, amount_nok="-5", valid_from="", source_name="", source_url=""
            ),
        )
    )
    assert {"amount_nok", "valid_from", "source_name", "source_url"} <= set(errors)

    errors = admin_errors(
        admin_client.post(url, rate_form(follow_up, amount_nok="600"))
    )
    assert (
        "HELFO kan ikke dekke mer enn prisen: den laveste prisen for denne "
        in (errors["amount_nok"])
    )

    helfo_rate(follow_up, 64, day(-100))  # open-ended
    errors = admin_errors(admin_client.post(url, rate_form(follow_up)))
    assert "datoene overlapper" in errors["__all__"]

    errors = admin_errors(
        admin_client.post(
            url,
            rate_form(
                follow_up,
                valid_from=day(10).isoformat(),
                valid_until=day(9).isoformat(),
            ),
        )
    )
    assert "«Gjelder til og med» kan ikke være før «gjelder fra»." in errors["__all__"]
    assert HelfoRate.objects.count() == 1

    # The day after the old row ends, a new amount is taken.
    HelfoRate.objects.update(valid_until=day(30))
    response = admin_client.post(
        url, rate_form(follow_up, amount_nok="70", valid_from=day(31).isoformat())
    )
    assert response.status_code == 302
    assert HelfoRate.objects.filter(amount_nok=70, valid_from=day(31)).exists()


def test_the_admin_refuses_a_price_below_helfos_share(admin_client, clinic, follow_up):
    helfo_rate(follow_up, 64, day(-100))
    url = reverse("admin:booking_clinicprice_add")
    form = {"clinic": str(clinic.pk), "appointment_type": str(follow_up.pk)}
    errors = admin_errors(admin_client.post(url, {**form, "price_nok": "-1"}))
    assert "price_nok" in errors
    errors = admin_errors(admin_client.post(url, {**form, "price_nok": "50"}))
    assert (
        "HELFO dekker 64 kr av denne timen, mer enn denne prisen"
        in (errors["price_nok"])
    )
    assert not ClinicPrice.objects.exists()
    assert admin_client.post(url, {**form, "price_nok": "650"}).status_code == 302


@pytest.mark.parametrize("language", ["nb", "en"])
def test_costs_are_said_in_the_pages_language(
    client, clinic, slot, follow_up, language
):
    DirectSettlement.objects.create(clinic=clinic, profession=Profession.CHIROPRACTOR)
    helfo_rate(follow_up, 64, day(-30))
    with translation.override(language):
        url = reverse("booking:book", args=[clinic.slug, slot.pk])
    html = client.get(url).content.decode()
    expected = {
        "nb": "Du betaler 526 kr. HELFO dekker 64 kr, som vi trekker fra med en gang.",
        "en": "You pay NOK 526. HELFO covers NOK 64, which we take off at once.",
    }[language]
    assert expected in page_text(html)


def test_the_admin_refuses_a_types_price_below_helfos_share(admin_client, follow_up):
    helfo_rate(follow_up, 64, day(-100), day(-1))  # ended: no longer binds
    helfo_rate(follow_up, 70, day(0))
    url = reverse("admin:booking_appointmenttype_change", args=[follow_up.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data["professions"] = '["kiropraktor"]'
    errors = admin_errors(admin_client.post(url, {**data, "price_nok": "65"}))
    assert (
        "HELFO dekker 70 kr av denne timen, mer enn denne prisen"
        in (errors["price_nok"])
    )
    follow_up.refresh_from_db()
    assert follow_up.price_nok == 590
