import json
import math
import re

import pytest

from clinics.models import Clinic, Postcode, Profession
from tests.factories import ClinicFactory, OpeningHoursFactory, PractitionerFactory

pytestmark = pytest.mark.django_db


def law_of_cosines_km(lat1, lng1, lat2, lng2):
    """An independent great-circle formula (not the code's haversine)."""
    p1, p2, dl = map(math.radians, (lat1, lat2, lng2 - lng1))
    cos_angle = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0088 * math.acos(min(1.0, cos_angle))


def listed(response):
    """(name, distance text) of each clinic in the list, in order."""
    html = response.content.decode()
    items = re.findall(r'<li class="nm-clinic".*?</li>\s*</ul>\s*</li>', html, re.S)
    result = []
    for item in items:
        name = re.search(
            r'<h3 class="nm-clinic__name"><a[^>]*>([^<]+)</a>', item
        ).group(1)
        distance = re.search(r'<p class="nm-clinic__distance">([^<]+)</p>', item)
        result.append((name, distance.group(1) if distance else None))
    return result


def expected_order(lat, lng):
    clinics = sorted(
        Clinic.objects.all(),
        key=lambda c: law_of_cosines_km(lat, lng, c.latitude, c.longitude),
    )
    return [
        (
            c.name,
            f"{law_of_cosines_km(lat, lng, c.latitude, c.longitude):.1f}".replace(
                ".", ","
            )
            + " km unna",
        )
        for c in clinics
    ]


@pytest.mark.parametrize(
    "code", ["0150", "5003", "7030", "9019", "4614", "2211", "8003"]
)
def test_a_postcode_lists_clinics_nearest_first_with_distances(
    client, postcodes, demo_clinics, code
):
    place = Postcode.objects.get(code=code)
    response = client.get("/klinikker/", {"q": code})
    assert listed(response) == expected_order(place.latitude, place.longitude)


@pytest.mark.parametrize(
    ("lat", "lng", "nearest"),
    [
        ("59.95", "10.75", "NEMUS Oslo sentrum"),
        ("69.68", "18.99", "NEMUS Tromsø"),
        ("58.16", "8.01", "NEMUS Kristiansand"),
        ("60.20", "11.90", "NEMUS Kongsvinger"),
    ],
)
def test_a_position_lists_clinics_nearest_first(
    client, demo_clinics, lat, lng, nearest
):
    response = client.get("/klinikker/", {"lat": lat, "lng": lng})
    result = listed(response)
    assert result[0][0] == nearest
    assert result == expected_order(float(lat), float(lng))


def test_the_position_is_rounded_to_about_a_kilometre(client, demo_clinics):
    exact = listed(client.get("/klinikker/", {"lat": "59.95", "lng": "10.75"}))
    precise = listed(
        client.get("/klinikker/", {"lat": "59.951234567", "lng": "10.749876543"})
    )
    assert precise == exact


def test_a_place_name_in_any_case(client, postcodes, demo_clinics):
    response = client.get("/klinikker/", {"q": "TROMSØ"})
    assert listed(response)[0][0] == "NEMUS Tromsø"
    assert "9 klinikker, nærmest Tromsø først" in response.content.decode()


def test_an_ambiguous_place_offers_a_choice(client, postcodes, demo_clinics):
    html = client.get("/klinikker/", {"q": "Molde"}).content.decode()
    assert "Hvilket Molde mener du?" in html
    choices = re.findall(r'<li><a href="\?q=(\d{4})">(Molde \([^)]+\))</a></li>', html)
    assert len(choices) == 2
    assert all(Postcode.objects.get(code=code).place == "Molde" for code, _ in choices)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": "9999"}, "Vi kjenner ikke postnummeret 9999."),
        ({"q": "12345"}, "Et postnummer har fire sifre."),
        ({"q": "Atlantis"}, "Vi fant ikke noe sted som heter Atlantis."),
        (
            {"lat": "48.85", "lng": "2.35"},
            "Posisjonen din ser ut til å være utenfor Norge",
        ),
        ({"lat": "nord", "lng": "øst"}, "Vi kunne ikke lese posisjonen."),
        (
            {"lat": "nan", "lng": "inf"},
            "Posisjonen din ser ut til å være utenfor Norge",
        ),
        ({"lat": "6" * 21, "lng": "10"}, "Sjekk søket og prøv igjen."),
    ],
)
def test_bad_input_gets_a_clear_message_and_the_full_list(
    client, postcodes, demo_clinics, query, message
):
    response = client.get("/klinikker/", query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert [name for name, _ in listed(response)] == sorted(
        c.name for c in demo_clinics
    )


def test_markup_in_the_query_is_never_echoed_unescaped(client, postcodes, demo_clinics):
    html = client.get(
        "/klinikker/", {"q": '<script>alert("x")</script>'}
    ).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_english_messages_under_en(client, postcodes, demo_clinics):
    html = client.get("/en/clinics/", {"q": "9999"}).content.decode()
    assert "We do not know the postcode 9999." in html
    assert "km away" not in html


def test_without_postcodes_the_finder_says_so_and_still_finds_clinic_towns(
    client, demo_clinics
):
    html = client.get("/klinikker/", {"q": "0150"}).content.decode()
    assert "Søk på postnummer er ikke tilgjengelig nå." in html
    response = client.get("/klinikker/", {"q": "bergen"})
    assert listed(response)[0][0] == "NEMUS Bergen"


def test_the_profession_filter_keeps_clinics_with_that_profession(client, demo_clinics):
    with_manual = {
        c.name
        for c in demo_clinics
        if c.practitioners.filter(
            profession=Profession.MANUAL_THERAPIST, is_active=True
        ).exists()
    }
    assert 0 < len(with_manual) < len(demo_clinics)
    response = client.get("/klinikker/", {"yrke": "manuell-terapeut"})
    assert {name for name, _ in listed(response)} == with_manual


def test_each_clinic_shows_address_hours_phone_and_links(client, demo_clinics):
    html = client.get("/klinikker/").content.decode()
    item = re.search(
        r'<li class="nm-clinic" id="clinic-nemus-oslo".*?</li>\s*</ul>\s*</li>',
        html,
        re.S,
    ).group(0)
    assert "Demogata 1, 0154 Oslo" in item
    assert re.search(
        r"(Åpent nå|Stengt nå)</strong>\s*· I dag: (\d\d\.\d\d–\d\d\.\d\d|Stengt)", item
    )
    assert '<a class="nm-phone-link" href="tel:00000001">' in item
    assert 'href="/klinikker/nemus-oslo/"' in item
    assert (
        "https://www.google.com/maps/dir/?api=1&amp;destination=59.91270,10.74610"
        in item
    )


def test_map_data_and_fallback_text_are_in_the_page(client, demo_clinics):
    html = client.get("/klinikker/").content.decode()
    fallback = "Kartet kan ikke vises. Listen har alle klinikkene."
    assert f'<p class="nm-map__fallback">{fallback}</p>' in html
    data = re.search(
        r'<script id="clinic-map-markers" type="application/json">(.*?)</script>', html
    ).group(1)
    assert '"name": "NEMUS Oslo sentrum"' in data
    assert "GeoNames</a>, CC BY 4.0" in html


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.usefixtures("no_page_cache")
def test_list_query_count_is_constant(client, django_assert_num_queries, count):
    for clinic in ClinicFactory.create_batch(count):
        OpeningHoursFactory(clinic=clinic)
        PractitionerFactory.create_batch(2, clinic=clinic)
    # clinics with their policies, hours, closures, practitioners, postcodes?, next
    # open times; what the professions can do (issue 38); whether a new patient
    # can book: the appointment types, the first time a new patient's type fits
    with django_assert_num_queries(9):
        response = client.get("/klinikker/", {"yrke": "kiropraktor", "alle": "1"})
    assert len(listed(response)) == count
    with django_assert_num_queries(9):
        first = client.get("/klinikker/", {"yrke": "kiropraktor"})
    assert len(listed(first)) == min(count, 20)


def test_the_list_shows_the_nearest_twenty_and_a_link_to_all(client):
    for number in range(25):
        ClinicFactory(name=f"NEMUS Liste {number:02d}")
    html = client.get("/klinikker/").content.decode()
    assert "25 klinikker" in html
    assert html.count('class="nm-clinic"') == 20
    assert '<a href="?alle=1">Vis alle 25 klinikker</a>' in html
    # The map still has every clinic.
    markers = re.search(r'id="clinic-map-markers"[^>]*>(.*?)</script>', html, re.S)
    assert len(json.loads(markers.group(1))) == 25
    everything = client.get("/klinikker/", {"alle": "1"}).content.decode()
    assert everything.count('class="nm-clinic"') == 25
    assert "Vis alle" not in everything


def test_a_place_alone_uses_the_kept_form_after_its_query(client, postcodes):
    """Issue 39: a search that chooses nothing but its place renders only its
    query field; the rest of the form is the empty form's, kept with the facts:
    the same HTML as the whole form rendered for the request. A filter chosen,
    even one the site does not know, is rendered for the request."""
    from django.template.loader import render_to_string

    from clinics.forms import ClinicSearchForm, known_filters
    from clinics.selectors import profession_facts_get

    ClinicFactory.create_batch(2)
    client.get("/klinikker/")  # the facts, kept

    def form_html(html):
        return html.split('<form class="nm-finder"')[1].split("</form>")[0]

    def rendered(query):
        data, _ignored = known_filters(query)
        form = ClinicSearchForm(data or None)
        form.is_valid()
        html = render_to_string(
            "clinics/_finder_form.html",
            {
                "form": form,
                "action": "/klinikker/",
                "show_position": True,
                "show_filters": True,
                "profession_facts": profession_facts_get(),
            },
        )
        return form_html(html)

    from django.http import QueryDict

    for raw in ("q=0150", "q=0150&behov=heis-ukjent", "q=Bergen&alle=1"):
        response = client.get(f"/klinikker/?{raw}")
        names = {template.name for template in response.templates}
        assert "clinics/_finder_form.html" in names
        assert "clinics/_finder_form_rest.html" not in names, raw
        page = form_html(response.content.decode())
        assert " ".join(page.split()) == " ".join(rendered(QueryDict(raw)).split())
    for raw in ("q=0150&yrke=kiropraktor", "q=0150&behov=trinnfri", "q=0150&sprak=en"):
        response = client.get(f"/klinikker/?{raw}")
        names = {template.name for template in response.templates}
        assert "clinics/_finder_form_rest.html" in names, raw


def test_a_searchs_map_markers_are_json_scripts_bytes_nearest_first(client, postcodes):
    """Issue 39: a search's markers are joined from each clinic's kept JSON: the
    same bytes as json_script makes, escapes included, nearest first."""
    from django.utils.html import json_script

    ClinicFactory(name="NEMUS <Nord> & Sør", latitude=69.65, longitude=18.96)
    ClinicFactory(name="NEMUS Sentrum", latitude=59.91, longitude=10.75)
    html = client.get("/klinikker/", {"q": "0150"}).content.decode()
    script = re.search(
        r'<script id="clinic-map-markers" type="application/json">.*?</script>', html
    ).group(0)
    markers = json.loads(script.split(">", 1)[1].rsplit("<", 1)[0])
    assert [marker["name"] for marker in markers] == [
        "NEMUS Sentrum",
        "NEMUS <Nord> & Sør",
    ]
    assert "\\u003CNord\\u003E \\u0026" in script
    assert script == json_script(markers, "clinic-map-markers")


def test_a_searched_place_is_kept_until_the_postcodes_change(client, postcodes):
    """Issue 39: where a postcode lies is looked up once per worker and edit, by
    the search (hashed); a position is never kept. An import of the postcodes
    moves the versions: a postcode it adds is found at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clinics.models import Postcode
    from nemus_site import fragments
    from nemus_site.page_cache import public_pages_changed

    ClinicFactory(name="NEMUS Sentrum", latitude=59.91, longitude=10.75)
    assert client.get("/klinikker/", {"q": "0150"}).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/timebestilling/", {"q": "0150", "alle": "1"})
    assert "0150 Oslo" in again.content.decode()
    assert not [q for q in queries.captured_queries if "clinics_postcode" in q["sql"]]
    kept = [key for key in fragments.search_store.values if key[0] == "place"]
    assert kept and not any("0150" in str(part) for key in kept for part in key)

    assert client.get("/klinikker/", {"q": "9998"}).status_code == 400
    Postcode.objects.create(
        code="9998", place="Nysted", place_key="nysted", latitude=69.0, longitude=18.0
    )
    public_pages_changed()  # as import_postcodes does
    found = client.get("/klinikker/", {"q": "9998"})
    assert found.status_code == 200
    assert "9998 Nysted" in found.content.decode()
    before = len(fragments.search_store.values)
    assert client.get("/klinikker/", {"lat": "59.9", "lng": "10.7"}).status_code == 200
    assert len(fragments.search_store.values) == before
