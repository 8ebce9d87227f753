"""Soonest near me (issue 17): /timebestilling/?q= lists the nearest clinics, each
with its next few times as buttons that open the form."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from booking.models import ClinicBookingPolicy
from clinics.hours import OSLO
from clinics.models import Clinic, Profession
from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)
from tests.text import page_text

pytestmark = pytest.mark.django_db

URL = "/timebestilling/"


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


def listed(html: str) -> list[str]:
    """Clinic names in the order of the list."""
    return re.findall(r'<h3 class="nm-clinic__name"><a href="[^"]+">([^<]+)</a>', html)


def buttons(html: str, slug: str) -> list[tuple[str, str]]:
    """(href, visible time) of one clinic's time buttons."""
    item = html.split(f'<li class="nm-clinic" id="clinic-{slug}">')[1]
    item = item.split('<li class="nm-clinic"')[0].split("</ol>")[0]
    return re.findall(
        r'<a class="nm-time[^"]*" href="([^"]+)">'
        r'<span class="nm-time__day">[^<]+</span> '
        r'<span class="nm-time__clock">([^<]+)</span>',
        item,
    )


@pytest.fixture
def clinics(postcodes, demo_clinics):
    """The demo clinics, each with a practitioner and times over several days."""
    AppointmentTypeFactory()
    for clinic in demo_clinics:
        person = PractitionerFactory(clinic=clinic)
        for day in (1, 2):
            for hour in (9, 10, 11):
                SlotFactory(practitioner=person, starts_at=at(day, hour))
    return demo_clinics


def test_a_postcode_lists_the_nearest_clinics_with_their_soonest_times(client, clinics):
    response = client.get(URL, {"q": "5003"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Første ledige timer nær 5003 Bergen" in page_text(html)
    names = listed(html)
    assert names[0] == "NEMUS Bergen"
    assert len(names) == 5
    assert "Vis alle 9 klinikker" in page_text(html)
    bergen = Clinic.objects.get(name="NEMUS Bergen")
    shown = buttons(html, bergen.slug)
    assert [clock for _href, clock in shown] == ["09.00", "10.00", "11.00", "09.00"]
    first = bergen.slots.order_by("starts_at").first()
    assert shown[0][0] == f"/timebestilling/{bergen.slug}/{first.pk}/"
    assert "i morgen" in html
    # One tap opens the form for that time.
    form = client.get(shown[0][0])
    assert form.status_code == 200
    assert "Fullt navn" in form.content.decode()


def test_all_clinics_keep_the_search(client, clinics):
    html = client.get(URL, {"q": "5003", "alle": "1"}).content.decode()
    assert len(listed(html)) == 9
    assert listed(html)[0] == "NEMUS Bergen"


def test_several_practitioners_at_one_time_show_it_once(client, clinics):
    bergen = Clinic.objects.get(name="NEMUS Bergen")
    other = PractitionerFactory(clinic=bergen, name="Aase Annen")
    SlotFactory(practitioner=other, starts_at=at(1, 9))
    html = client.get(URL, {"q": "5003"}).content.decode()
    assert [clock for _h, clock in buttons(html, bergen.slug)] == [
        "09.00",
        "10.00",
        "11.00",
        "09.00",
    ]


def test_the_profession_narrows_the_times(client, clinics):
    bergen = Clinic.objects.get(name="NEMUS Bergen")
    physio = PractitionerFactory(
        clinic=bergen, name="Per Fysio", profession=Profession.PHYSIOTHERAPIST
    )
    SlotFactory(practitioner=physio, starts_at=at(3, 15))
    html = client.get(URL, {"q": "5003", "yrke": "fysioterapeut"}).content.decode()
    slot = physio.slots.get()
    assert buttons(html, bergen.slug) == [
        (f"/timebestilling/{bergen.slug}/{slot.pk}/", "15.00")
    ]


def test_a_clinic_without_online_times_gives_its_phone(client, clinics):
    bergen = Clinic.objects.get(name="NEMUS Bergen")
    ClinicBookingPolicy.objects.create(clinic=bergen, online_booking=False)
    html = client.get(URL, {"q": "5003"}).content.decode()
    assert buttons(html, bergen.slug) == []
    item = html.split(f'id="clinic-{bergen.slug}"')[1].split("</li>")[0]
    assert "Ingen ledige timer på nettet." in item
    assert 'class="nm-phone-link"' in item


def test_a_position_works_like_a_postcode(client, clinics):
    html = client.get(URL, {"lat": "60.39", "lng": "5.32"}).content.decode()
    assert listed(html)[0] == "NEMUS Bergen"
    assert "Første ledige timer nær posisjonen din" in page_text(html)


def test_without_a_search_it_asks_and_lists_every_clinic(client, clinics):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Finn første ledige time"' in html
    assert "Velg klinikk" in page_text(html)
    assert listed(html) == sorted(c.name for c in clinics)


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"q": "Atlantis"}, 400, "Vi fant ikke noe sted som heter Atlantis."),
        ({"q": "9999"}, 400, "Vi kjenner ikke postnummeret 9999."),
        ({"q": "12345"}, 400, "Et postnummer har fire sifre."),
        (
            {"lat": "48.85", "lng": "2.35"},
            400,
            "Posisjonen din ser ut til å være utenfor Norge",
        ),
        ({"lat": "nord", "lng": "øst"}, 400, "Vi kunne ikke lese posisjonen."),
        ({"lat": "6" * 21, "lng": "10"}, 400, "Sjekk søket og prøv igjen."),
        ({"q": "Molde"}, 200, "Hvilket Molde mener du?"),
    ],
)
def test_a_search_it_cannot_use_says_so(client, clinics, query, status, message):
    response = client.get(URL, query)
    html = response.content.decode()
    assert response.status_code == status
    assert message in html
    assert "data-focus-on-load>" in html
    # The page still lists the clinics to choose from.
    assert len(listed(html)) == 9


def test_an_unknown_filter_value_is_left_out_with_a_note(client, clinics):
    response = client.get(URL, {"yrke": "tannlege"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vi kjenner ikke filteret «tannlege», så vi så bort fra det." in html
    assert len(listed(html)) == 9  # every clinic, as without the filter
    html = client.get(URL, {"yrke": "tannlege", "q": "5003"}).content.decode()
    assert "Første ledige timer nær 5003 Bergen" in html


def test_in_english(client, clinics):
    html = client.get("/en/booking/", {"q": "Atlantis"}).content.decode()
    assert "We found no place called Atlantis." in html
    html = client.get("/en/booking/", {"q": "5003"}).content.decode()
    assert "Soonest appointments near 5003 Bergen" in html
    assert "tomorrow" in html


@pytest.mark.usefixtures("no_page_cache")
def test_the_soonest_list_costs_the_same_queries_for_few_or_many(
    client, django_assert_num_queries, postcodes
):
    """10 queries with nothing kept: the postcode, the clinics with their booking
    policies, hours, closures and staff, whether postcodes are loaded (the kept
    directory, built once per worker per edit), then per booking window (one
    here) the first time per clinic and the next few times, and the warning signs
    (condition and signs): the same for 2 clinics with a practitioner as for 12
    with 6 each."""

    def seed(clinics: int, practitioners: int):
        for _ in range(clinics):
            clinic = ClinicFactory(latitude=60.39, longitude=5.32)
            for _ in range(practitioners):
                person = PractitionerFactory(clinic=clinic)
                for day in (1, 2, 3):
                    for hour in (9, 10):
                        SlotFactory(practitioner=person, starts_at=at(day, hour))

    seed(clinics=2, practitioners=1)
    with django_assert_num_queries(10):
        small = client.get(URL, {"q": "5003", "alle": "1"})
    seed(clinics=10, practitioners=6)
    with django_assert_num_queries(10):
        large = client.get(URL, {"q": "5003", "alle": "1"})
    assert len(listed(small.content.decode())) == 2
    assert len(listed(large.content.decode())) == 12
    assert large.content.decode().count('class="nm-time nm-time--named"') == 12 * 4


def test_each_clinics_soonest_times_are_kept_until_a_booking(client, clinics, settings):
    """Issue 39: rendered every time (no page cache), a search near the same
    clinics as the last one asks the database only for its postcode and the
    versions; a booking shows at once (the times' version moves)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from booking.models import AppointmentType
    from booking.services import booking_create
    from tests.booking.conftest import PATIENT

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    bergen = Clinic.objects.get(name="NEMUS Bergen")
    first = buttons(client.get(URL, {"q": "5003"}).content.decode(), bergen.slug)
    assert len(first) == 4
    with CaptureQueriesContext(connection) as queries:
        html = client.get(URL, {"q": "5004"}).content.decode()
    assert buttons(html, bergen.slug) == first
    asked = " ".join(query["sql"] for query in queries.captured_queries)
    assert "booking_slot" not in asked
    assert "clinics_clinic" not in asked
    assert "clinics_postcode" in asked
    slot_id = int(first[0][0].rstrip("/").split("/")[-1])
    booking_create(
        slot_id=slot_id,
        appointment_type=AppointmentType.objects.get(slug="oppfolging"),
        **PATIENT,
    )
    after = buttons(client.get(URL, {"q": "5004"}).content.decode(), bergen.slug)
    assert first[0] not in after
    assert after[:3] == first[1:]


def test_the_soonest_times_are_spread_across_named_practitioners(client, clinics):
    bergen = Clinic.objects.get(name="NEMUS Bergen")
    bergen.practitioners.all().delete()
    anne = PractitionerFactory(clinic=bergen, name="Anne Aas")
    berit = PractitionerFactory(clinic=bergen, name="Berit Bakke")
    for hour in (9, 10, 11, 12):
        for person in (anne, berit):
            SlotFactory(practitioner=person, starts_at=at(1, hour))
    html = client.get(URL, {"q": "5003"}).content.decode()
    item = html.split(f'id="clinic-{bergen.slug}"')[1].split("</ul>")[0]
    names = re.findall(r'<span class="nm-time__who">.*?</span>([^<]+)</span>', item)
    assert names == ["Anne Aas", "Berit Bakke", "Anne Aas", "Berit Bakke"]


def test_a_new_patient_sees_only_times_a_first_consultation_fits(client, clinics):
    bergen = Clinic.objects.get(name="NEMUS Bergen")
    bergen.practitioners.all().delete()
    person = PractitionerFactory(clinic=bergen, name="Anne Aas")
    SlotFactory(practitioner=person, starts_at=at(1, 9))  # 30 min: follow-up only
    long = SlotFactory(
        practitioner=person,
        starts_at=at(1, 10),
        ends_at=at(1, 10) + dt.timedelta(minutes=45),
    )
    html = client.get(URL, {"q": "5003", "ny": "1"}).content.decode()
    assert buttons(html, bergen.slug) == [
        (
            f"/timebestilling/{bergen.slug}/{long.pk}/"
            "?type=forstegangskonsultasjon&amp;ny=1",
            "10.00",
        )
    ]
    assert "Tidene under er for førstegangskonsultasjon (45 min)." in page_text(html)
    # The clinic's own page keeps the answer.
    assert f'href="/timebestilling/{bergen.slug}/?ny=1"' in html
    returning = client.get(URL, {"q": "5003", "ny": "0"}).content.decode()
    assert [clock for _h, clock in buttons(returning, bergen.slug)] == [
        "09.00",
        "10.00",
    ]


def test_a_new_search_keeps_the_answer_and_an_unknown_one_is_asked_again(
    client, clinics
):
    html = client.get(URL, {"q": "5003", "ny": "1"}).content.decode()
    search = html.split('<form class="nm-finder"')[1].split("</form>")[0]
    assert '<input type="hidden" name="ny" value="1">' in search
    unknown = client.get(URL, {"q": "5003", "ny": "kanskje"})
    assert unknown.status_code == 200
    text = page_text(unknown.content.decode())
    assert "Svar ja eller nei på «Første gang hos oss?»." in text
    assert "Første gang hos oss? Ja, første gang" in text
    search = unknown.content.decode().split('<form class="nm-finder"')[1]
    assert 'name="ny"' not in search.split("</form>")[0]


def test_without_a_search_the_next_time_fits_a_new_patient(client, clinics):
    bergen = Clinic.objects.get(name="NEMUS Bergen")
    bergen.practitioners.all().delete()
    person = PractitionerFactory(clinic=bergen)
    SlotFactory(practitioner=person, starts_at=at(1, 9))  # 30 min: follow-up only
    long = SlotFactory(
        practitioner=person,
        starts_at=at(1, 10),
        ends_at=at(1, 10) + dt.timedelta(minutes=45),
    )
    html = client.get(URL, {"ny": "1"}).content.decode()
    item = html.split(f'id="clinic-{bergen.slug}"')[1].split("</li>")[0]
    assert (
        f'href="/timebestilling/{bergen.slug}/{long.pk}/'
        '?type=forstegangskonsultasjon&amp;ny=1"'
    ) in item
    assert "kl. 10.00" in page_text(item)
