"""Seed the benchmark's large data set: 100+ clinics, 500+ practitioners, eight weeks
of slots (over 300,000), on top of the article and the demo data.

Run by bench/run.py with DJANGO_SETTINGS_MODULE and DATABASE_URL set; not for
production databases (it adds clinics marked as demo).
"""

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nemus_site.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking.models import ClinicBookingPolicy, Slot, WeeklySchedule  # noqa: E402
from booking.services import slots_generate  # noqa: E402
from clinics.models import (  # noqa: E402
    Clinic,
    OpeningHours,
    Postcode,
    Practitioner,
    Profession,
)

CLINICS = int(os.environ.get("BENCH_CLINICS", "100"))
PER_CLINIC = int(os.environ.get("BENCH_PRACTITIONERS_PER_CLINIC", "5"))
DAYS = 56


@transaction.atomic
def seed() -> None:
    places = list(
        Postcode.objects.order_by("code")[
            :: max(1, Postcode.objects.count() // CLINICS)
        ]
    )
    if len(places) < CLINICS:
        raise SystemExit("Import postcodes first (bench/run.py does).")
    professions = [p.value for p in Profession]
    for number in range(CLINICS):
        place = places[number]
        clinic, created = Clinic.objects.get_or_create(
            slug=f"bench-{number:03d}",
            defaults={
                "name": f"NEMUS {place.place} {number}",
                "street_address": f"Benkegata {number + 1}",
                "postcode": place.code,
                "town": place.place,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "phone": f"00 00 {number // 100:02d} {number % 100:02d}",
                "is_demo": True,
            },
        )
        if not created:
            continue
        for weekday in range(5):
            OpeningHours.objects.create(
                clinic=clinic, weekday=weekday, opens=dt.time(8), closes=dt.time(16)
            )
        ClinicBookingPolicy.objects.create(clinic=clinic, max_days_ahead=DAYS)
        for index in range(PER_CLINIC):
            practitioner = Practitioner.objects.create(
                clinic=clinic,
                name=f"Behandler {number}-{index}",
                profession=professions[(number + index) % len(professions)],
                bio="Demo.",
            )
            WeeklySchedule.objects.bulk_create(
                WeeklySchedule(
                    practitioner=practitioner,
                    weekday=weekday,
                    starts=dt.time(8),
                    ends=dt.time(16),
                    slot_minutes=30,
                )
                for weekday in range(5)
            )


if __name__ == "__main__":
    seed()
    made = slots_generate(start=timezone.localdate(), days=DAYS)
    print(
        f"clinics {Clinic.objects.count()}, practitioners "
        f"{Practitioner.objects.count()}, slots {Slot.objects.count()} "
        f"({made} new)"
    )
