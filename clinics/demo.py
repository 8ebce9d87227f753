"""Demo clinics for `manage.py seed_demo`: plainly fictional, marked as demo."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from clinics.models import Clinic, Closure, OpeningHours, Practitioner, Profession

# Town centres (WGS84), the postcode of each centre, and a made-up street.
DEMO_CLINICS = [
    (
        "NEMUS Oslo sentrum",
        "nemus-oslo",
        "Demogata 1",
        "0154",
        "Oslo",
        59.9127,
        10.7461,
    ),
    (
        "NEMUS Bergen",
        "nemus-bergen",
        "Eksempelveien 2",
        "5014",
        "Bergen",
        60.3913,
        5.3221,
    ),
    (
        "NEMUS Trondheim",
        "nemus-trondheim",
        "Prøvegata 3",
        "7011",
        "Trondheim",
        63.4305,
        10.3951,
    ),
    (
        "NEMUS Stavanger",
        "nemus-stavanger",
        "Testveien 4",
        "4006",
        "Stavanger",
        58.9700,
        5.7331,
    ),
    ("NEMUS Tromsø", "nemus-tromso", "Demoveien 5", "9008", "Tromsø", 69.6492, 18.9553),
    (
        "NEMUS Kristiansand",
        "nemus-kristiansand",
        "Eksempelgata 6",
        "4611",
        "Kristiansand",
        58.1467,
        7.9956,
    ),
    (
        "NEMUS Kongsvinger",
        "nemus-kongsvinger",
        "Prøveveien 7",
        "2212",
        "Kongsvinger",
        60.1905,
        11.9977,
    ),
    ("NEMUS Bodø", "nemus-bodo", "Testgata 8", "8006", "Bodø", 67.2804, 14.4049),
    (
        "NEMUS Lillehammer",
        "nemus-lillehammer",
        "Demogata 9",
        "2609",
        "Lillehammer",
        61.1153,
        10.4662,
    ),
]

FIRST_NAMES = [
    "Ingrid",
    "Ola",
    "Kari",
    "Lars",
    "Sofie",
    "Magnus",
    "Nora",
    "Henrik",
    "Emma",
    "Jonas",
    "Ida",
    "Sander",
    "Thea",
    "Eirik",
    "Maja",
    "Anders",
    "Sara",
    "Kristian",
]
SURNAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Dahl",
]


@transaction.atomic
def seed_clinics(*, rng: random.Random) -> list[Clinic]:
    """Create or refresh the demo clinics; the same seed gives the same data."""
    clinics = []
    for number, (name, slug, street, postcode, town, lat, lng) in enumerate(
        DEMO_CLINICS, start=1
    ):
        clinic, _created = Clinic.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "street_address": street,
                "postcode": postcode,
                "town": town,
                "latitude": lat,
                "longitude": lng,
                "phone": f"00 00 00 {number:02d}",
                "email": f"{slug}@example.invalid",
                "description_nb": (
                    f"Demoklinikk i {town} med kiropraktor som primærkontakt. "
                    "Adresse og telefonnummer er oppdiktet."
                ),
                "description_en": (
                    f"Demo clinic in {town} with a chiropractor as primary contact. "
                    "The address and phone number are made up."
                ),
                "directions_nb": "Buss til holdeplassen Demotorget, 2 minutter å gå.",
                "directions_en": "Bus to the Demotorget stop, a 2-minute walk.",
                "step_free_access": number % 3 != 0,
                "accessible_toilet": number % 2 == 0,
                "lift": number % 4 != 1,
                "parking_nb": "Gateparkering med avgift." if number % 2 else "",
                "parking_en": "Paid street parking." if number % 2 else "",
                "is_demo": True,
            },
        )
        clinic.opening_hours.all().delete()
        late_day = number % 5
        for weekday in range(5):
            closes = dt.time(19, 0) if weekday == late_day else dt.time(16, 0)
            OpeningHours.objects.create(
                clinic=clinic, weekday=weekday, opens=dt.time(8, 0), closes=closes
            )
        if number % 2:
            OpeningHours.objects.create(
                clinic=clinic, weekday=5, opens=dt.time(10, 0), closes=dt.time(14, 0)
            )
        year = timezone.localdate().year
        Closure.objects.update_or_create(
            clinic=clinic,
            starts_on=dt.date(year, 12, 24),
            defaults={
                "ends_on": dt.date(year, 12, 26),
                "reason_nb": "jul",
                "reason_en": "Christmas",
            },
        )
        _seed_practitioners(clinic, rng)
        clinics.append(clinic)
    return clinics


# Short sample bios, one picked per demo practitioner (nb, en).
BIOS = {
    Profession.CHIROPRACTOR: [
        (
            "Kiropraktor. Jobber mest med rygg- og nakkesmerter, og med å komme i "
            "gang igjen etter et hekseskudd.",
            "Chiropractor. Works mostly with back and neck pain, and with getting "
            "going again after acute low back pain.",
        ),
        (
            "Kiropraktor med interesse for hodepine fra nakken og smerter i kjeven.",
            "Chiropractor with an interest in headaches from the neck and jaw pain.",
        ),
    ],
    Profession.MANUAL_THERAPIST: [
        (
            "Manuellterapeut. Undersøker og behandler smerter i rygg, nakke og ledd, "
            "og lager øvelser du kan gjøre hjemme.",
            "Manual therapist. Examines and treats back, neck and joint pain, and "
            "gives you exercises to do at home.",
        ),
    ],
    Profession.PHYSIOTHERAPIST: [
        (
            "Fysioterapeut. Hjelper deg med trening og bevegelse når smertene har "
            "vart en stund.",
            "Physiotherapist. Helps you with exercise and movement when the pain "
            "has lasted a while.",
        ),
        (
            "Fysioterapeut med vekt på skulder og kne, og på trening etter skade.",
            "Physiotherapist who works mostly with shoulders and knees, and with "
            "training after an injury.",
        ),
    ],
    Profession.PHYSICIAN: [
        (
            "Lege. Vurderer langvarige smerter, skriver sykmelding og henviser "
            "videre når det trengs.",
            "Doctor. Assesses long-lasting pain, writes sick notes and refers you "
            "on when needed.",
        ),
    ],
}


# Languages beside Norwegian, by a practitioner's place in the clinic's list (not
# drawn from the seed's random numbers, so the people stay the same).
DEMO_LANGUAGES = [["en"], ["en", "sv"], [], ["en", "pl"], ["en", "ar"], ["de"]]


def _seed_practitioners(clinic: Clinic, rng: random.Random) -> None:
    """2 to 6 practitioners; the same seed gives the same people, updated in place
    (never deleted and re-made, so their schedules and bookings stay)."""
    count = rng.randint(2, 6)
    # Every clinic has a chiropractor as primary contact; the rest are mixed.
    professions = [Profession.CHIROPRACTOR] + [
        rng.choice(list(Profession)) for _ in range(count - 1)
    ]
    names = rng.sample([f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES], count)
    for place, (name, profession) in enumerate(zip(names, professions, strict=True)):
        bio_nb, bio_en = rng.choice(BIOS[profession])
        Practitioner.objects.update_or_create(
            clinic=clinic,
            name=name,
            defaults={
                "profession": profession,
                "bio_nb": bio_nb,
                "bio_en": bio_en,
                "languages": ["nb", *DEMO_LANGUAGES[place % len(DEMO_LANGUAGES)]],
                # As at NEMUS (nemus.no), only Kongsvinger's physiotherapists
                # have a public funding agreement: their patients pay the fee.
                "public_agreement": profession == Profession.PHYSIOTHERAPIST
                and clinic.slug == "nemus-kongsvinger",
                "is_active": True,
            },
        )
    clinic.practitioners.exclude(name__in=names).update(is_active=False)
