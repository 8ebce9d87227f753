"""Demo schedules and slots for `manage.py seed_demo`."""

from django.db import transaction
from django.utils import timezone

from booking.models import (
    AppointmentType,
    ClinicBookingPolicy,
    ClinicPrice,
    DirectSettlement,
    HelfoRate,
    WeeklySchedule,
)
from booking.services import slots_generate
from clinics.models import Profession


@transaction.atomic
def seed_booking(*, clinics) -> int:
    """Weekday schedules for every demo practitioner (one clinic without open times,
    to show the phone fallback) and slots for eight weeks from today."""
    for index, clinic in enumerate(clinics):
        ClinicBookingPolicy.objects.update_or_create(
            clinic=clinic,
            defaults={
                "online_booking": True,
                "min_notice_hours": 2,
                "max_days_ahead": 56,
                "cancel_cutoff_hours": 24,
            },
        )
        if index == len(clinics) - 1:
            continue  # the last demo clinic has no schedule: its page shows the phone
        # Bookable times fill the clinic's opening hours, the late day and a
        # Saturday included, so "open now" and the times agree.
        hours = {row.weekday: row for row in clinic.opening_hours.all()}
        for number, practitioner in enumerate(
            clinic.practitioners.filter(is_active=True)
        ):
            WeeklySchedule.objects.filter(practitioner=practitioner).delete()
            for weekday, row in hours.items():
                if weekday < 5 and (weekday + number) % 5 == 4:
                    continue  # each practitioner has a weekday off
                if weekday == 5 and number % 2:
                    continue  # half of them work the Saturday
                WeeklySchedule.objects.create(
                    practitioner=practitioner,
                    weekday=weekday,
                    starts=row.opens,
                    ends=row.closes,
                    slot_minutes=45 if number % 2 else 30,
                )
    return slots_generate(start=timezone.localdate(), days=56)


# HELFO's amounts as the stored sources gave them, for the demo only: marked as
# demo values (HelfoRate.is_demo) and shown as examples, never as HELFO's.
CHIROPRACTOR_SOURCE = (
    "helsenorge.no: Betaling hos kiropraktor",
    "https://helsenorge.no/betaling-for-helsetjenester/betaling-hos-kiropraktor",
)
CHIROPRACTOR_CONDITIONS = (
    "Gjelder behandling av muskel- og skjelettplager, uten henvisning fra lege. "
    "HELFO dekker et fast beløp for førstegangsundersøkelsen og et mindre for "
    "hver behandling etter den. Det du betaler, teller ikke med mot frikort.",
    "For treatment of muscle and joint problems, without a referral from a doctor. "
    "HELFO covers a fixed amount for the first examination and a smaller one for "
    "each treatment after it. What you pay does not count towards the exemption "
    "card (frikort).",
)
PHYSIOTHERAPY_SOURCE = (
    "helsenorge.no: Egenandel hos fysioterapeut",
    "https://www.helsenorge.no/betaling-for-helsetjenester/betaling-hos-fysioterapeut/",
)
PHYSIOTHERAPY_CONDITIONS = (
    "Egenandelen for undersøkelse inntil 30 minutter. Den teller med mot frikort. "
    "Barn under 16 år, og du som har frikort eller godkjent yrkesskade, betaler "
    "ikke egenandel.",
    "The patient fee for an examination of up to 30 minutes. It counts towards the "
    "exemption card (frikort). Children under 16, and people with an exemption card "
    "or an approved occupational injury, pay no fee.",
)
# (profession, type slug, kind, amount, conditions, source)
DEMO_RATES = [
    (
        Profession.CHIROPRACTOR,
        "forstegangskonsultasjon",
        HelfoRate.Kind.REFUND,
        139,
        CHIROPRACTOR_CONDITIONS,
        CHIROPRACTOR_SOURCE,
    ),
    (
        Profession.CHIROPRACTOR,
        "oppfolging",
        HelfoRate.Kind.REFUND,
        64,
        CHIROPRACTOR_CONDITIONS,
        CHIROPRACTOR_SOURCE,
    ),
    (
        Profession.PHYSIOTHERAPIST,
        "forstegangskonsultasjon",
        HelfoRate.Kind.PATIENT_FEE,
        185,
        PHYSIOTHERAPY_CONDITIONS,
        PHYSIOTHERAPY_SOURCE,
    ),
]


@transaction.atomic
def seed_prices(*, clinics) -> None:
    """Chiropractors settle directly with HELFO at every demo clinic; the first
    demo clinic sets its own price for a follow-up; HELFO's amounts from the
    start of this year, marked as demo values."""
    for clinic in clinics:
        DirectSettlement.objects.get_or_create(
            clinic=clinic, profession=Profession.CHIROPRACTOR
        )
    types = {kind.slug: kind for kind in AppointmentType.objects.all()}
    if clinics and "oppfolging" in types:
        ClinicPrice.objects.update_or_create(
            clinic=clinics[0],
            appointment_type=types["oppfolging"],
            defaults={"price_nok": 650},
        )
    start = timezone.localdate().replace(month=1, day=1)
    for profession, slug, kind, amount, conditions, source in DEMO_RATES:
        if slug not in types:
            continue
        HelfoRate.objects.update_or_create(
            profession=profession,
            appointment_type=types[slug],
            kind=kind,
            is_demo=True,
            defaults={
                "amount_nok": amount,
                "valid_from": start,
                "conditions_nb": conditions[0],
                "conditions_en": conditions[1],
                "source_name": source[0],
                "source_url": source[1],
            },
        )
