"""Issue 38: the finder filters on access and on a language a practitioner speaks,
with the postcode search and without JavaScript; each card says what the clinic
has, and whether a new patient can book there."""

import datetime as dt
import re

import pytest

from clinics.models import Profession
from clinics.profession_facts import profession_facts_load
from tests.booking.conftest import oslo
from tests.factories import ClinicFactory, PractitionerFactory, SlotFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<h3 class="nm-clinic__name"><a[^>]*>([^<]+)</a>', html)


@pytest.fixture
def clinics(postcodes):
    # Oslo (near 0150), Lillestrøm (farther), Bergen (far): different access.
    oslo_clinic = ClinicFactory(
        name="NEMUS Oslo",
        slug="nemus-oslo",
        latitude=59.91,
        longitude=10.75,
        step_free_access=True,
        lift=True,
        parking="",
    )
    lillestrom = ClinicFactory(
        name="NEMUS Lillestrøm",
        slug="nemus-lillestrom",
        latitude=59.96,
        longitude=11.05,
        step_free_access=True,
        accessible_toilet=True,
        lift=False,
        parking="Egen parkeringsplass",
    )
    bergen = ClinicFactory(
        name="NEMUS Bergen",
        slug="nemus-bergen",
        latitude=60.39,
        longitude=5.32,
        step_free_access=True,
        lift=True,
        parking="Gateparkering",
    )
    PractitionerFactory(clinic=oslo_clinic, languages=["nb", "en"])
    PractitionerFactory(
        clinic=lillestrom, profession=Profession.PHYSIOTHERAPIST, languages=["nb", "pl"]
    )
    PractitionerFactory(clinic=bergen, languages=["nb", "pl", "en"])
    return oslo_clinic, lillestrom, bergen


def test_access_filters_narrow_the_list_and_keep_the_postcode_order(client, clinics):
    assert names(client.get("/klinikker/", {"q": "0150"})) == [
        "NEMUS Oslo",
        "NEMUS Lillestrøm",
        "NEMUS Bergen",
    ]
    assert names(client.get("/klinikker/", {"q": "0150", "behov": "heis"})) == [
        "NEMUS Oslo",
        "NEMUS Bergen",
    ]
    assert names(
        client.get("/klinikker/", {"q": "0150", "behov": ["heis", "parkering"]})
    ) == ["NEMUS Bergen"]
    assert names(client.get("/klinikker/", {"behov": "toalett"})) == [
        "NEMUS Lillestrøm"
    ]
    html = client.get("/klinikker/", {"q": "0150", "behov": "heis"}).content.decode()
    assert "2 klinikker, nærmest 0150 Oslo først (heis)" in page_text(html)


def test_a_language_filter_finds_a_practitioner_who_speaks_it(client, clinics):
    assert names(client.get("/klinikker/", {"q": "0150", "sprak": "pl"})) == [
        "NEMUS Lillestrøm",
        "NEMUS Bergen",
    ]
    # The same practitioner speaks it and has the profession.
    assert names(
        client.get("/klinikker/", {"q": "0150", "sprak": "pl", "yrke": "kiropraktor"})
    ) == ["NEMUS Bergen"]
    response = client.get(
        "/klinikker/", {"sprak": "pl", "yrke": "kiropraktor", "behov": "toalett"}
    )
    assert names(response) == []
    assert "Ingen klinikk har alt dette ennå." in response.content.decode()


def test_unknown_filter_values_are_left_out_with_a_note(client, clinics):
    response = client.get(
        "/klinikker/", {"q": "0150", "behov": ["heis", "rampe"], "sprak": "klingon"}
    )
    assert names(response) == ["NEMUS Oslo", "NEMUS Bergen"]
    text = page_text(response.content.decode())
    assert "Vi kjenner ikke filtrene «rampe», «klingon», så vi så bort fra dem." in text
    english = client.get("/en/clinics/", {"behov": "<b>x</b>"})
    assert english.status_code == 200
    html = english.content.decode()
    assert (
        "We do not know the filter “&lt;b&gt;x&lt;/b&gt;”, so we left it out." in html
    )
    assert len(names(english)) == 3


def test_the_filters_are_a_plain_form_and_the_cards_say_what_each_has(client, clinics):
    html = client.get("/klinikker/").content.decode()
    form = re.search(r'<form class="nm-finder" method="get".*?</form>', html, re.S)
    for value in ("trinnfri", "toalett", "heis", "parkering"):
        assert f'name="behov" value="{value}"' in form.group(0)
    assert '<select name="sprak"' in form.group(0)
    text = page_text(html)
    assert "Trinnfri inngang · Tilrettelagt toalett · Parkering" in text
    assert "Språk: norsk, polsk" in text
    assert "Språk: norsk, engelsk, polsk" in text


def test_cards_say_where_a_new_patient_can_book(client, clinics):
    oslo_clinic, lillestrom, _bergen = clinics
    start = oslo(3, 10)
    # A time long enough for a first consultation in Oslo; Lillestrøm's is too short.
    SlotFactory(
        practitioner=oslo_clinic.practitioners.get(),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
    )
    SlotFactory(
        practitioner=lillestrom.practitioners.get(),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
    )
    html = client.get("/klinikker/").content.decode()
    cards = dict(
        re.findall(
            r'<h3 class="nm-clinic__name"><a[^>]*>([^<]+)</a></h3>(.*?)</li>\s*</ul>',
            html,
            re.S,
        )
    )
    assert "Tar imot nye pasienter" in cards["NEMUS Oslo"]
    assert "Tar imot nye pasienter" not in cards["NEMUS Lillestrøm"]
    assert "Tar imot nye pasienter" not in cards["NEMUS Bergen"]


def test_what_each_profession_can_do_is_beside_the_filter_with_sources(client, clinics):
    assert profession_facts_load() == 9
    assert profession_facts_load() == 0  # never twice, never over staff's edits
    html = client.get("/klinikker/").content.decode()
    facts = re.search(r'<details class="nm-profession-facts">.*?</details>', html, re.S)
    text = page_text(facts.group(0))
    assert "Kan sykmelde deg i opptil tolv uker." in text
    assert 'href="https://www.helsenorge.no/behandlere/betaling-hos-kiropraktor/"' in (
        facts.group(0)
    )
    english = page_text(client.get("/en/clinics/").content.decode())
    assert "Can give you sick leave for up to twelve weeks." in english


def test_a_language_filter_leaves_the_pages_language_alone(client, clinics):
    """The filter's language (`?sprak=`) is not the page's: today's hours are
    written the page's way, whatever was asked before."""
    from clinics.hours import local_now
    from tests.factories import OpeningHoursFactory

    weekday = local_now().weekday()
    for clinic in clinics:
        OpeningHoursFactory(clinic=clinic, weekday=weekday)
    norwegian = page_text(client.get("/klinikker/", {"sprak": "en"}).content.decode())
    assert "08.00–16.00" in norwegian
    english = page_text(client.get("/en/clinics/", {"sprak": "en"}).content.decode())
    assert "08:00–16:00" in english
    assert "08.00–16.00" not in english
