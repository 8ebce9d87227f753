import json
import re

import pytest

from clinics.models import Clinic
from tests.factories import ClinicFactory, OpeningHoursFactory, PractitionerFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db


def test_clinic_page_shows_what_a_patient_needs(client, demo_clinics):
    response = client.get("/klinikker/nemus-oslo/")
    assert response.status_code == 200
    html = response.content.decode()
    text = page_text(html)
    assert "<h1>NEMUS Oslo sentrum</h1>" in html
    assert "Demogata 1 0154 Oslo" in text
    assert '<a class="nm-phone-link" href="tel:00000001">' in html
    assert "Buss til holdeplassen Demotorget" in text
    assert "Demoklinikk: adressen og telefonnummeret er oppdiktet." in text
    # The week from today, today marked.
    assert html.count("nm-opening-hours__row--today") == 1
    assert len(re.findall(r'<tr class="nm-opening-hours__row', html)) == 7
    # Practitioners grouped by profession, chiropractor among them.
    assert "<h3>Kiropraktor</h3>" in html
    assert "24.–26. desember" not in text  # closures are written out in full
    assert "24. desember 2026–26. desember 2026 (jul)" in text


def test_clinic_page_in_english(client, demo_clinics):
    html = client.get("/en/clinics/nemus-bergen/").content.decode()
    assert '<html lang="en">' in html
    assert "Opening hours" in html
    assert "Bus to the Demotorget stop" in html


def test_clinic_structured_data(client, demo_clinics):
    html = client.get("/klinikker/nemus-tromso/").content.decode()
    data = json.loads(
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert data["@type"] == "MedicalClinic"
    assert data["address"]["postalCode"] == "9008"
    assert data["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 69.6492,
        "longitude": 18.9553,
    }
    monday = data["openingHoursSpecification"][0]
    assert monday == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "08:00",
        "closes": "19:00",  # the demo Tromsø clinic is open late on Mondays
    }


def test_unknown_clinic_is_a_404(client):
    assert client.get("/klinikker/finnes-ikke/").status_code == 404


def test_seed_demo_is_idempotent_for_clinics(demo_clinics):
    from random import Random

    from clinics.demo import seed_clinics

    before = {
        c.slug: sorted(c.practitioners.values_list("name", "profession"))
        for c in Clinic.objects.all()
    }
    seed_clinics(rng=Random(1))
    after = {
        c.slug: sorted(c.practitioners.values_list("name", "profession"))
        for c in Clinic.objects.all()
    }
    assert after == before
    assert len(after) == 9
    assert all(2 <= len(people) <= 6 for people in after.values())
    assert Clinic.objects.filter(is_demo=True).count() == 9


@pytest.mark.parametrize("practitioners", [1, 20])
@pytest.mark.usefixtures("no_page_cache")
def test_clinic_page_query_count_is_constant(
    client, django_assert_num_queries, practitioners
):
    clinic = ClinicFactory()
    OpeningHoursFactory(clinic=clinic)
    PractitionerFactory.create_batch(practitioners, clinic=clinic)
    # clinic, hours, closures, practitioners, booking policy, next open time; then
    # whether a new patient can book (issue 38): the appointment types, the policy,
    # the first time a new patient's type fits; the price list (issue 38): the
    # types with the clinic's prices, its settlements with HELFO, HELFO's amounts;
    # what its professions can do
    with django_assert_num_queries(13):
        response = client.get(clinic.get_absolute_url())
    assert response.status_code == 200


def test_the_article_help_section_has_the_map_and_the_search(client, demo_clinics):
    html = client.get("/plager/korsryggsmerter/").content.decode()
    help_section = re.search(
        r'<section class="nm-part nm-part--help".*?</section>', html, re.S
    ).group(0)
    # "Her kan du få time raskest": a search for the soonest times near the reader
    # (it lands on the booking page), the map, and the finder one link away.
    assert "Hvor kan du få time raskest?" in help_section
    assert re.search(
        r'<form class="nm-finder" method="get" action="/timebestilling/" '
        r'role="search" aria-label="Finn første ledige time">',
        help_section,
    )
    assert 'class="nm-finder__position"' in help_section
    assert 'href="/klinikker/"' in help_section
    assert 'id="help-map"' in help_section
    markers = json.loads(
        re.search(
            r'<script id="help-map-markers" type="application/json">(.*?)</script>',
            html,
        ).group(1)
    )
    assert len(markers) == 9


def test_next_open_time_shows_and_opens_the_form_for_that_time_everywhere(
    client,
):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import AppointmentTypeFactory, SlotFactory

    AppointmentTypeFactory()
    clinic = ClinicFactory(name="NEMUS Snart", slug="nemus-snart")
    start = (timezone.now() + dt.timedelta(days=2)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    person = PractitionerFactory(clinic=clinic)
    # A later time first in the table: the link must go to the first by time.
    SlotFactory(practitioner=person, starts_at=start + dt.timedelta(hours=2))
    slot = SlotFactory(practitioner=person, starts_at=start)
    # A clinic with no open time: its day view suggests this one.
    ClinicFactory(name="NEMUS Full", slug="nemus-full")
    local = timezone.localtime(start)
    expected = f"kl. {local:%H.%M}"
    form_url = f"/timebestilling/nemus-snart/{slot.pk}/"
    pages = {
        "/klinikker/": "Neste ledige time: ",
        "/klinikker/nemus-snart/": "Neste ledige time:",
        "/timebestilling/": "Neste ledige time:",
        "/timebestilling/nemus-full/": "neste ledige time",
    }
    for url, label in pages.items():
        html = client.get(url).content.decode()
        text = page_text(html)
        assert label in text and expected in text, url
        link = re.search(rf'<a href="{form_url}">([^<]*)</a>', html)
        assert link is not None, url
        assert expected in link.group(1), url
    form = page_text(client.get(form_url).content.decode())
    assert expected in form and "NEMUS Snart" in form


def test_accepting_new_patients_is_told_as_it_is(client):
    """isAcceptingNewPatients (issue 38): true only where a time a new patient's
    appointment fits is open online; a clinic with follow-up times only says no."""
    import datetime as dt

    from django.utils import timezone

    clinic = ClinicFactory(name="NEMUS Ny", slug="nemus-ny")
    person = PractitionerFactory(clinic=clinic)
    start = (timezone.now() + dt.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    from tests.factories import SlotFactory

    SlotFactory(practitioner=person, starts_at=start)  # 30 min: a follow-up only

    def accepting():
        html = client.get("/klinikker/nemus-ny/").content.decode()
        data = json.loads(
            re.search(
                r'<script type="application/ld\+json">(.*?)</script>', html, re.S
            ).group(1)
        )
        return data["isAcceptingNewPatients"], page_text(html)

    flag, text = accepting()
    assert flag is False
    assert "Ingen ledig time for nye pasienter på nett akkurat nå: ring oss." in text
    SlotFactory(
        practitioner=person,
        starts_at=start + dt.timedelta(hours=2),
        ends_at=start + dt.timedelta(hours=2, minutes=45),
    )
    from django.core.cache import cache

    cache.clear()  # the page as a new visitor gets it
    flag, text = accepting()
    assert flag is True
    assert "Tar imot nye pasienter" in text
