"""What each profession can do for a patient, as the public sources below state it
(read 2026-12-04): loaded by `manage.py load_profession_facts`, which adds the rows
that are missing and never changes a row staff have edited. Physiotherapists have
one row (no referral needed); doctors none: no stored public source states their
rights in these terms, so none are claimed."""

from clinics.models import Profession, ProfessionFact

HELSENORGE_CHIROPRACTOR = (
    "helsenorge.no: Kiropraktor – behandling og betaling",
    "https://www.helsenorge.no/behandlere/betaling-hos-kiropraktor/",
)
HELSENORGE_CHIROPRACTOR_PAYMENT = (
    "helsenorge.no: Betaling hos kiropraktor",
    "https://helsenorge.no/betaling-for-helsetjenester/betaling-hos-kiropraktor",
)
MANUAL_THERAPY = (
    "Norsk Manuellterapeutforening: Informasjon om manuellterapi",
    "https://manuell.no/mediebank/?Article=845",
)
HELSENORGE_PHYSIOTHERAPY = (
    "helsenorge.no: Egenandel hos fysioterapeut",
    "https://www.helsenorge.no/betaling-for-helsetjenester/betaling-hos-fysioterapeut/",
)

Topic = ProfessionFact.Topic

# (profession, topic, nb, en, (source name, source address))
FACTS = [
    (
        Profession.CHIROPRACTOR,
        Topic.NO_REFERRAL,
        "Undersøker og behandler deg uten henvisning fra lege, med stønad fra HELFO.",
        "Examines and treats you without a referral from a doctor, with HELFO's "
        "contribution.",
        HELSENORGE_CHIROPRACTOR,
    ),
    (
        Profession.CHIROPRACTOR,
        Topic.SICK_LEAVE,
        "Kan sykmelde deg i opptil tolv uker.",
        "Can give you sick leave for up to twelve weeks.",
        HELSENORGE_CHIROPRACTOR,
    ),
    (
        Profession.CHIROPRACTOR,
        Topic.REFERRALS,
        "Kan henvise deg videre til legespesialist og til fysioterapi.",
        "Can refer you on to a medical specialist and to physiotherapy.",
        HELSENORGE_CHIROPRACTOR_PAYMENT,
    ),
    (
        Profession.CHIROPRACTOR,
        Topic.IMAGING,
        "Kan henvise deg til bildeundersøkelse, for eksempel røntgen.",
        "Can refer you for imaging, such as an X-ray.",
        HELSENORGE_CHIROPRACTOR,
    ),
    (
        Profession.MANUAL_THERAPIST,
        Topic.NO_REFERRAL,
        "Du kan gå rett til manuellterapeut: du trenger ikke henvisning.",
        "You can go straight to a manual therapist: you need no referral.",
        MANUAL_THERAPY,
    ),
    (
        Profession.MANUAL_THERAPIST,
        Topic.SICK_LEAVE,
        "Kan sykmelde deg for en begrenset tid.",
        "Can give you sick leave for a limited time.",
        MANUAL_THERAPY,
    ),
    (
        Profession.MANUAL_THERAPIST,
        Topic.REFERRALS,
        "Kan henvise deg til spesialisthelsetjenesten.",
        "Can refer you to specialist care.",
        MANUAL_THERAPY,
    ),
    (
        Profession.MANUAL_THERAPIST,
        Topic.IMAGING,
        "Kan henvise deg til bildeundersøkelse.",
        "Can refer you for imaging.",
        MANUAL_THERAPY,
    ),
    (
        Profession.PHYSIOTHERAPIST,
        Topic.NO_REFERRAL,
        "Du trenger ikke henvisning til fysioterapeut for å få dekket utgifter.",
        "You need no referral to a physiotherapist to have costs covered.",
        HELSENORGE_PHYSIOTHERAPY,
    ),
]


def profession_facts_load() -> int:
    """Add the rows that are missing; the number added."""
    added = 0
    for profession, topic, text_nb, text_en, (source_name, source_url) in FACTS:
        _fact, created = ProfessionFact.objects.get_or_create(
            profession=profession,
            topic=topic,
            defaults={
                "text_nb": text_nb,
                "text_en": text_en,
                "source_name": source_name,
                "source_url": source_url,
            },
        )
        added += created
    return added
