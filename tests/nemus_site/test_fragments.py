"""Parts of pages that change only when staff edit (the article's text, the clinics'
facts) are made once per worker and edit, also with the page cache off; open
times are never kept; a staff edit shows at once; staff drafts never reach
readers."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.services import booking_create
from clinics.hours import local_instant
from conditions.models import Condition, ConditionItem
from tests.booking.conftest import PATIENT
from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    ConditionFactory,
    OpeningHoursFactory,
    PractitionerFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db

ARTICLE = "/plager/korsryggsmerter/"


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.NEMUS_FRAGMENT_CACHE = True


def tables_read(client, path) -> str:
    """The SQL of rendering `path` once, the cache table's own lookups left out."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return "\n".join(
        query["sql"] for query in queries if "nemus_cache" not in query["sql"]
    )


def test_the_second_reader_of_the_article_costs_no_query_for_its_text(client):
    first = tables_read(client, ARTICLE)
    assert "conditions_conditionitem" in first
    second = tables_read(client, ARTICLE)
    assert second == ""
    assert "X-Cache" not in client.get(ARTICLE)  # the page itself is rendered


def test_a_staff_edit_shows_on_the_next_rendering(client):
    client.get(ARTICLE)
    item = ConditionItem.objects.filter(part__condition__slug="korsryggsmerter").first()
    item.text = "Redaksjonen skrev dette nettopp."
    item.save()
    assert "Redaksjonen skrev dette nettopp." in client.get(ARTICLE).content.decode()


def test_a_clinic_renamed_or_given_new_hours_shows_in_the_finder_at_once(client):
    clinic = ClinicFactory(name="NEMUS Førstenavn")
    assert "NEMUS Førstenavn" in client.get("/klinikker/").content.decode()
    facts = tables_read(client, "/klinikker/")
    assert "clinics_openinghours" not in facts and "clinics_closure" not in facts
    clinic.name = "NEMUS Andrenavn"
    clinic.save()
    OpeningHoursFactory(clinic=clinic)
    html = client.get("/klinikker/").content.decode()
    assert "NEMUS Andrenavn" in html and "NEMUS Førstenavn" not in html


def test_a_booking_shows_at_once_and_keeps_the_clinic_facts(client):
    """Open times are read on every rendering; the facts stay."""
    kind = AppointmentTypeFactory()
    practitioner = PractitionerFactory()
    slot = SlotFactory(practitioner=practitioner, clinic=practitioner.clinic)
    before = client.get("/klinikker/").content.decode()
    assert "Neste ledige time" in before
    booking_create(slot_id=slot.pk, appointment_type=kind, **PATIENT)
    rendered = tables_read(client, "/klinikker/")
    assert "booking_slot" in rendered  # the open times, read again
    assert "clinics_openinghours" not in rendered  # the facts, kept
    assert "Neste ledige time" not in client.get("/klinikker/").content.decode()


def test_staff_drafts_never_reach_readers(client):
    ConditionFactory(status=Condition.Status.DRAFT, slug_nb="nakkesmerter")
    staff = get_user_model().objects.create_user("ansatt", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get("/plager/nakkesmerter/").status_code == 200
    client.logout()
    assert client.get("/plager/nakkesmerter/").status_code == 404


def test_without_the_cache_every_request_makes_its_own(client, monkeypatch):
    client.get(ARTICLE)

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", broken)
    response = client.get(ARTICLE)
    assert response.status_code == 200
    assert "Korsryggsmerter" in response.content.decode()


def test_the_day_views_kept_facts_are_built_whole_and_read_only(client):
    """Issue 30: the empty filter form was added to the shared facts per request;
    now both languages are rendered when the facts are built, and nothing can add
    to them afterwards."""
    from booking.views.public import day_view_facts

    clinic = ClinicFactory(name="NEMUS Fakta", slug="nemus-fakta")
    PractitionerFactory(clinic=clinic)
    AppointmentTypeFactory()
    facts = day_view_facts(clinic.slug)
    assert set(facts.empty_filter_html) == {"nb", "en"}
    assert ">Time<" in facts.empty_filter_html["nb"]
    assert ">Appointment<" in facts.empty_filter_html["en"]
    with pytest.raises(TypeError):
        facts.empty_filter_html["de"] = "<p>"
    nb = client.get(f"/timebestilling/{clinic.slug}/").content.decode()
    en = client.get(f"/en/booking/{clinic.slug}/").content.decode()
    assert facts.empty_filter_html["nb"] in nb
    assert facts.empty_filter_html["en"] in en


def test_the_finders_kept_facts_are_built_whole_and_read_only(client):
    """Issue 30: each clinic's card and the day's hours were added to the shared
    facts as requests listed them; now every clinic's are made when the facts are
    built, and a request only reads them."""
    import datetime as dt

    from clinics import hours
    from clinics.selectors import clinic_directory
    from clinics.views import finder_day, finder_facts
    from nemus_site import fragments

    clinics = [ClinicFactory(name=f"NEMUS Kort {n}") for n in range(3)]
    for clinic in clinics:
        OpeningHoursFactory(clinic=clinic)
    facts = finder_facts(clinic_directory(related=["booking_policy"]))
    assert set(facts.cards) >= {clinic.pk for clinic in clinics}
    card = facts.cards[clinics[0].pk]
    assert "NEMUS Kort 0" in card["heading"]
    assert card["booking_url"] == f"/timebestilling/{clinics[0].slug}/"
    with pytest.raises(TypeError):
        card["heading"] = "<p>"
    with pytest.raises(TypeError):
        facts.cards[0] = {}
    with pytest.raises(AttributeError):
        facts.cards = {}  # frozen
    today = hours.local_now().date()
    days = finder_day(facts, today)
    assert set(days) == set(facts.cards)
    with pytest.raises(TypeError):
        days[0] = ([], "")
    # What the requests use is what was built: nothing is added to it after.
    client.get("/klinikker/")

    def kept_finder():
        [kept] = [
            v for k, v in fragments.store.values.items() if k[:2] == ("finder", "nb")
        ]
        return kept

    kept = kept_finder()
    assert set(kept.cards) == set(facts.cards)
    before = {pk: dict(parts) for pk, parts in kept.cards.items()}
    client.get("/klinikker/?alle=1")
    client.get("/klinikker/?q=0150")
    client.get("/en/clinics/")
    assert kept_finder() is kept
    assert {pk: dict(parts) for pk, parts in kept.cards.items()} == before
    assert finder_day(facts, today + dt.timedelta(days=1)) is not days


def test_the_booking_forms_clinic_facts_are_kept_until_a_staff_edit(client):
    """A form GET asks only for its time once its clinic's facts (the clinic and
    policy, the types offered there, their costs) are kept; a new price, a renamed
    type or online booking closed show on the next form at once."""
    from booking.models import ClinicBookingPolicy, ClinicPrice

    kind = AppointmentTypeFactory(name="Oppfølging")
    practitioner = PractitionerFactory()
    clinic = practitioner.clinic
    policy = ClinicBookingPolicy.objects.create(clinic=clinic)
    # Two times the same day (the costs are kept per day), at midday in Oslo.
    day = timezone.localdate() + dt.timedelta(days=3)
    first, second = (
        SlotFactory(practitioner=practitioner, starts_at=local_instant(day, time))
        for time in (dt.time(11, 0), dt.time(12, 0))
    )

    def form_url(slot):
        return f"/timebestilling/{clinic.slug}/{slot.pk}/"

    assert "Oppfølging" in client.get(form_url(first)).content.decode()
    read = tables_read(client, form_url(second))
    assert "booking_slot" in read  # the time itself, asked every time
    for table in (
        "clinics_clinic",
        "booking_clinicbookingpolicy",
        "booking_appointmenttype",
        "booking_clinicprice",
        "booking_helforate",
    ):
        assert f'"{table}"' not in read, table
    ClinicPrice.objects.create(clinic=clinic, appointment_type=kind, price_nok=777)
    assert "777 kr" in client.get(form_url(second)).content.decode()
    kind.name = "Kontrolltime"
    kind.save()
    assert "Kontrolltime" in client.get(form_url(second)).content.decode()
    policy.online_booking = False
    policy.save()
    assert client.get(form_url(second)).status_code in (404, 410)
    # A made-up clinic is answered 404 and not kept.
    assert client.get("/timebestilling/finnes-ikke/1/").status_code == 404


def test_a_booking_form_not_yet_sent_is_written_from_kept_fields(client, settings):
    """The fields of a form not yet sent are the same for every patient at the
    clinic that day: kept, and the page is byte for byte the page rendered whole.
    A form sent back with errors, or filled in from before, is never kept: what a
    patient typed stays in their own page."""
    from nemus_site.fragments import clinic_store

    AppointmentTypeFactory()
    practitioner = PractitionerFactory()
    clinic = practitioner.clinic
    day = timezone.localdate() + dt.timedelta(days=3)
    first, second = (
        SlotFactory(practitioner=practitioner, starts_at=local_instant(day, time))
        for time in (dt.time(11, 0), dt.time(12, 0))
    )

    def page(slot, **data):
        url = f"/timebestilling/{clinic.slug}/{slot.pk}/"
        response = client.post(url, data) if data else client.get(url)
        html = response.content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    page(first)
    kept = [key for key in clinic_store.values if key[0] == "booking-form-fields"]
    assert len(kept) == 1
    from_kept = page(second)
    settings.NEMUS_FRAGMENT_CACHE = False
    assert from_kept == page(second)
    settings.NEMUS_FRAGMENT_CACHE = True
    sent = page(second, name="Kari Fjellheim", phone="12", email="kari@")
    assert 'value="Kari Fjellheim"' in sent
    assert "Kari Fjellheim" not in page(second)
    prefilled = page(second, prefill="1", name="Kari Fjellheim", phone="912 34 567")
    assert 'value="Kari Fjellheim"' in prefilled
    assert not any(
        "Kari Fjellheim" in str(value) for value in clinic_store.values.values()
    )


def test_the_confirmation_reads_the_booking_and_keeps_the_clinic(
    client, django_capture_on_commit_callbacks
):
    """The confirmation page asks only for the booking once the clinic and its
    prices are kept (the worker's first confirmation there read them); the
    clinic's own price shown."""
    from booking.models import ClinicPrice

    kind = AppointmentTypeFactory()
    first = SlotFactory()
    second = SlotFactory(
        practitioner=first.practitioner,
        starts_at=first.starts_at + dt.timedelta(hours=1),
    )
    ClinicPrice.objects.create(
        clinic=first.clinic, appointment_type=kind, price_nok=640
    )
    form = {
        "appointment_type": kind.slug,
        "name": "Test Testesen",
        "email": "test@example.invalid",
        "is_new_patient": "tidligere",
        "privacy": "on",
    }
    read = []
    for number, slot in enumerate((first, second)):
        url = f"/timebestilling/{slot.clinic.slug}/{slot.pk}/"
        with django_capture_on_commit_callbacks(execute=True):
            booked = client.post(url, {**form, "phone": f"91234 56{number}"})
        read.append(tables_read(client, booked["Location"]))
    assert 'FROM "clinics_clinic"' in read[0]  # the worker's first there
    assert '"booking_booking"' in read[1]
    for table in ("clinics_clinic", "booking_clinicprice", "booking_appointmenttype"):
        assert f'FROM "{table}"' not in read[1], table
    page = client.get(booked["Location"]).content.decode()
    assert "640 kr" in page and first.clinic.name in page
