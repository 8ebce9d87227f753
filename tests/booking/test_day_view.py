"""One clinic's times, one day at a time (issue 17): the strip of days, the chosen
day grouped or merged, the filters, bad input, and the queries it costs."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from booking.models import AppointmentType, ClinicBookingPolicy, Slot
from booking.services import booking_create
from clinics.hours import OSLO
from clinics.models import Profession
from tests.booking.conftest import PATIENT
from tests.factories import AppointmentTypeFactory, PractitionerFactory, SlotFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db

URL = "/timebestilling/nemus-testby/"


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """`days` from today at hour:minute, Oslo time."""
    day = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


def strip(html: str) -> list[tuple[str, str]]:
    """[(day's visible number, count or '–')] of the strip, in order."""
    days = re.findall(
        r'<span class="nm-strip__date">(\d+)\.</span>\s*'
        r'<span class="nm-strip__count">(?:<span aria-hidden="true">)?([–\d]+)',
        html,
    )
    return days


def times(html: str) -> list[str]:
    """The time buttons' visible clocks, in order."""
    return re.findall(r'<a class="nm-time" href="[^"]+">(\d\d\.\d\d)<', html)


@pytest.fixture
def week(clinic, follow_up):
    """Two practitioners: Kari (chiropractor) on day 3 at 09 and 10, Per
    (physiotherapist) on day 3 at 09 and on day 5 at 14."""
    kari = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    per = PractitionerFactory(
        clinic=clinic, name="Per Fysio", profession=Profession.PHYSIOTHERAPIST
    )
    return {
        "kari": kari,
        "per": per,
        "slots": [
            SlotFactory(practitioner=kari, starts_at=at(3, 9)),
            SlotFactory(practitioner=kari, starts_at=at(3, 10)),
            SlotFactory(practitioner=per, starts_at=at(3, 9)),
            SlotFactory(practitioner=per, starts_at=at(5, 14)),
        ],
    }


def test_the_first_view_opens_on_the_first_day_with_a_time(client, week):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    day3 = at(3, 0).date()
    # Two weeks from today, with the count of each day; days without times are
    # no links.
    days = strip(html)
    assert len(days) == 14
    counts = [count for _number, count in days]
    assert counts[3] == "3" and counts[5] == "1"
    assert counts.count("–") == 12
    assert html.count('class="nm-strip__day"') == 2
    current = re.search(
        r'<a class="nm-strip__day" href="([^"]+)"[^>]*aria-current', html
    )
    assert current.group(1) == f"?dag={day3:%Y-%m-%d}&amp;uke=0#tider"
    text = page_text(html)
    assert "3 ledige" in text
    # Grouped by practitioner, by name, each with profession.
    assert re.search(
        r"Kari Rygg kiropraktor.*09\.00.*10\.00.*Per Fysio fysioterapeut.*09\.00",
        text,
        re.S,
    )
    assert times(html) == ["09.00", "10.00", "09.00"]
    assert "Neste dag med ledige timer:" in text


def test_all_times_together_shows_each_time_once(client, week):
    html = client.get(URL, {"vis": "tid"}).content.decode()
    assert times(html) == ["09.00", "10.00"]
    assert "2 ledige" in page_text(html)
    assert re.search(r'aria-current="true">Alle tider samlet<', html)


def test_a_chosen_day_and_the_next_day_link(client, week):
    day5 = at(5, 0).date()
    html = client.get(URL, {"dag": f"{day5:%Y-%m-%d}"}).content.decode()
    assert times(html) == ["14.00"]
    assert "Per Fysio" in page_text(html)
    # A day without times says so and points on.
    day4 = at(4, 0).date()
    html = client.get(URL, {"dag": f"{day4:%Y-%m-%d}"}).content.decode()
    text = page_text(html)
    assert "Ingen ledige timer på nettet denne dagen." in text
    with translation.override("nb"):
        written = date_format(day5, "DAY_FORMAT")
    assert f"Neste dag med ledige timer: {written}" in text
    assert times(html) == []


def test_filters_narrow_the_day(client, week, follow_up):
    by_person = client.get(URL, {"behandler": week["per"].pk}).content.decode()
    assert times(by_person) == ["09.00"]
    assert 'nm-day__who">Per Fysio' in by_person
    assert 'nm-day__who">Kari Rygg' not in by_person
    by_profession = client.get(URL, {"yrke": "kiropraktor"}).content.decode()
    assert times(by_profession) == ["09.00", "10.00"]
    # A type only physiotherapists offer: Per's times alone, and the links to the
    # form carry the type.
    AppointmentTypeFactory(
        slug="fysio-forste", professions=[Profession.PHYSIOTHERAPIST]
    )
    typed = client.get(URL, {"type": "fysio-forste"}).content.decode()
    assert times(typed) == ["09.00"]
    assert "?type=fysio-forste" in typed


def test_moving_a_week_opens_the_first_day_with_a_time_there(client, clinic, follow_up):
    kari = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    SlotFactory(practitioner=kari, starts_at=at(1, 9))
    SlotFactory(practitioner=kari, starts_at=at(16, 11))
    first = client.get(URL).content.decode()
    assert times(first) == ["09.00"]
    later = re.search(r'<a class="nm-strip__move" href="([^"]+)"', first).group(1)
    assert later == "?uke=1#tider"
    html = client.get(URL + later.split("#")[0]).content.decode()
    assert times(html) == ["11.00"]
    assert "Tidligere" in page_text(html)


def test_the_first_view_goes_to_the_week_of_the_first_time(client, clinic, follow_up):
    kari = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    SlotFactory(practitioner=kari, starts_at=at(20, 13))
    html = client.get(URL).content.decode()
    assert times(html) == ["13.00"]
    # The strip starts two weeks on (day 14), so day 20 is its seventh day.
    assert strip(html)[6][1] == "1"
    assert "?uke=1#tider" in html  # a week back


def test_a_time_just_after_midnight_is_on_its_oslo_day(client, clinic, follow_up):
    kari = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    SlotFactory(practitioner=kari, starts_at=at(3, 0, 30))  # 23.30 UTC the day before
    html = client.get(URL).content.decode()
    assert strip(html)[3][1] == "1"
    assert times(html) == ["00.30"]


def test_booked_and_withdrawn_times_are_not_counted(client, week, follow_up):
    slots = week["slots"]
    booking_create(slot_id=slots[0].pk, appointment_type=follow_up, **PATIENT)
    slots[1].is_withdrawn = True
    slots[1].save()
    html = client.get(URL).content.decode()
    assert strip(html)[3][1] == "1"
    assert times(html) == ["09.00"]
    assert "Per Fysio" in page_text(html)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"dag": "2020-01-01"}, "På nettet kan du bestille time fra "),
        ({"dag": "i morgen"}, "Vi kunne ikke lese datoen."),
        ({"dag": "2026-02-30"}, "Vi kunne ikke lese datoen."),
        ({"behandler": "999999"}, "Den behandleren jobber ikke på denne klinikken."),
        ({"behandler": "Kari"}, "Den behandleren jobber ikke på denne klinikken."),
        ({"type": "ukjent"}, "Klinikken tilbyr ikke den timetypen."),
        ({"yrke": "tannlege"}, "Ingen med det yrket jobber på denne klinikken."),
        ({"uke": "99"}, "De ukene kan ikke vises."),
        ({"uke": "-1"}, "De ukene kan ikke vises."),
        ({"vis": "kart"}, "Timene kan vises per behandler eller samlet etter tid."),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_the_times(client, week, query, message):
    response = client.get(URL, query)
    html = response.content.decode()
    assert response.status_code == 400
    text = page_text(html)
    assert "Noen av valgene dine kunne ikke brukes" in text
    assert message in text
    # The times are still there, as without the choice.
    assert times(html)
    assert 'role="alert"' in html


def test_bad_input_in_english_is_in_english(client, week):
    response = client.get("/en/booking/nemus-testby/", {"dag": "soon"})
    assert response.status_code == 400
    assert "That date could not be read." in response.content.decode()


def test_a_bad_choice_keeps_the_good_ones(client, week):
    html = client.get(URL, {"yrke": "fysioterapeut", "behandler": "999999"}).content
    assert times(html.decode()) == ["09.00"]


def test_the_window_limits_the_days(client, clinic, follow_up):
    ClinicBookingPolicy.objects.create(clinic=clinic, max_days_ahead=10)
    kari = PractitionerFactory(clinic=clinic, name="Kari Rygg")
    SlotFactory(practitioner=kari, starts_at=at(2, 9))
    SlotFactory(practitioner=kari, starts_at=at(12, 9))  # past the horizon
    html = client.get(URL).content.decode()
    assert [count for _n, count in strip(html)].count("1") == 1
    assert 'class="nm-strip__move"' not in html  # no later week inside the window
    day = at(12, 0).date()
    assert client.get(URL, {"dag": f"{day:%Y-%m-%d}"}).status_code == 400


def seed(clinic, *, practitioners: int, days: int, hours: tuple[int, ...]):
    for n in range(practitioners):
        person = PractitionerFactory(
            clinic=clinic,
            profession=Profession.PHYSIOTHERAPIST if n % 2 else Profession.CHIROPRACTOR,
        )
        Slot.objects.bulk_create(
            SlotFactory.build(practitioner=person, starts_at=at(day, hour))
            for day in range(1, days + 1)
            for hour in hours
        )


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"vis": "tid"},
        {"yrke": "kiropraktor"},
        {"type": "oppfolging", "uke": "1"},
        {"dag": "bad"},
    ],
)
@pytest.mark.usefixtures("no_page_cache")
def test_the_day_view_costs_the_same_queries_for_one_or_many(
    client, django_assert_num_queries, clinic, follow_up, query
):
    """8 queries: the clinic with its policy, its practitioners, the appointment
    types, the first open time, the count per day of the strip, the chosen day's
    slots, and the warning signs under the times (the condition and its signs; kept
    per worker once the shared cache is there): whether one practitioner has a time
    a day or 30 more have 3 a day for three weeks."""
    seed(clinic, practitioners=1, days=21, hours=(9,))
    with django_assert_num_queries(8):
        small = client.get(URL, query)
    seed(clinic, practitioners=30, days=21, hours=(10, 11, 12))
    with django_assert_num_queries(8):
        large = client.get(URL, query)
    assert small.status_code == large.status_code
    assert len(times(large.content.decode())) > len(times(small.content.decode()))


def test_first_time_with_us_shows_only_times_a_new_patient_can_book(
    client, clinic, follow_up
):
    """?ny=1: only times long enough for the first consultation (the one type for
    new patients), and each time leads to the form with the answer; ?ny=0: all."""
    first = AppointmentType.objects.get(slug="forstegangskonsultasjon")
    person = PractitionerFactory(clinic=clinic, profession=Profession.CHIROPRACTOR)
    short = SlotFactory(practitioner=person, starts_at=at(2, 9), ends_at=at(2, 9, 30))
    long = SlotFactory(practitioner=person, starts_at=at(2, 10), ends_at=at(2, 10, 45))
    day = {"dag": at(2, 9).date().isoformat()}
    unsaid = client.get(URL, day).content.decode()
    assert "Første gang hos oss?" in unsaid
    assert times(unsaid) == ["09.00", "10.00"]
    new = client.get(URL, {**day, "ny": "1"}).content.decode()
    assert times(new) == ["10.00"]
    # The answer is not a filter the patient set: the filters stay closed.
    assert '<details class="nm-slot-filter">' in new
    assert f"{long.pk}/?type={first.slug}&amp;ny=1" in new
    assert f"{short.pk}/" not in new
    assert "Tidene under er for førstegangskonsultasjon (45 min)." in page_text(new)
    returning = client.get(URL, {**day, "ny": "0"}).content.decode()
    assert times(returning) == ["09.00", "10.00"]
    assert f"{short.pk}/?ny=0" in returning
    # The strip's days keep the answer.
    assert re.search(r'href="\?[^"]*ny=1[^"]*"', new)


def test_an_unknown_answer_or_a_type_not_for_the_patient_is_said(
    client, clinic, follow_up
):
    PractitionerFactory(clinic=clinic, profession=Profession.CHIROPRACTOR)
    response = client.get(URL, {"ny": "kanskje"})
    assert response.status_code == 400
    assert "Svar ja eller nei på «Første gang hos oss?»." in page_text(
        response.content.decode()
    )
    response = client.get(URL, {"ny": "1", "type": "oppfolging"})
    assert response.status_code == 400
    assert "Oppfølging er for pasienter som har vært på klinikken før." in page_text(
        response.content.decode()
    )


def test_a_tapped_day_asks_only_for_its_own_times_until_a_booking(
    client, week, follow_up, settings
):
    """Issue 39: rendered every time (no page cache), the first open time and the
    strip's counts are kept in the worker: a tapped day asks the database for its
    times alone. A booking moves the times' version: the next day tapped counts
    it at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    day3, day5 = (at(days, 0).date().isoformat() for days in (3, 5))
    first = client.get(URL, {"dag": day5}).content.decode()
    assert times(first) == ["14.00"]
    assert strip(first)[3][1] == "3"
    with CaptureQueriesContext(connection) as queries:
        html = client.get(URL, {"dag": day3}).content.decode()
    assert times(html) == ["09.00", "10.00", "09.00"]  # Kari's, then Per's
    assert strip(html) == strip(first)
    asked = [q["sql"] for q in queries.captured_queries if "booking_slot" in q["sql"]]
    assert len(asked) == 1, asked
    booking_create(slot_id=week["slots"][0].pk, appointment_type=follow_up, **PATIENT)
    after = client.get(URL, {"dag": day3}).content.decode()
    assert strip(after)[3][1] == "2"
    assert times(after) == ["10.00", "09.00"]


def test_a_tapped_days_filter_fields_are_the_empty_forms(client, week, follow_up):
    """Issue 39: a tapped day (`?dag=`, `?uke=`, `?vis=`) chooses nothing in the
    filter, so its fields are the kept empty form's, rendered once per edit: the
    same HTML as the fields rendered for the request. A choice or an error is
    rendered for the request."""
    from django.template.loader import render_to_string

    from booking.forms import SlotFilterForm
    from booking.views.public import day_view_facts

    def fields(html):
        block = html.split('<div class="nm-slot-filter__fields">')[1]
        return block.split("</div>\n        ")[0].strip()

    def rendered(query):
        facts = day_view_facts("nemus-testby")
        earliest, latest = ClinicBookingPolicy.for_clinic(facts.clinic).window_days(
            timezone.now()
        )
        form = SlotFilterForm(
            query,
            appointment_types=facts.types,
            practitioners=list(facts.clinic.practitioners.all()),
            earliest_day=earliest,
            latest_day=latest,
        )
        form.is_valid()
        return render_to_string("booking/_filter_fields.html", {"form": form}).strip()

    empty = fields(client.get(URL).content.decode())
    day3 = at(3, 0).date().isoformat()
    for query in ({"dag": day3}, {"dag": day3, "uke": "0", "vis": "tid"}):
        response = client.get(URL, query)
        assert fields(response.content.decode()) == empty
        assert rendered(query) == empty
        # Not rendered for the request: the kept empty form's.
        names = {template.name for template in response.templates}
        assert "booking/slot_list.html" in names
        assert "booking/_filter_fields.html" not in names
    for query in ({"yrke": "fysioterapeut"}, {"ny": "1"}, {"behandler": "Kari"}):
        html = fields(client.get(URL, {"dag": day3, **query}).content.decode())
        assert html == rendered({"dag": day3, **query}) != empty
