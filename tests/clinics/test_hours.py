import datetime as dt

import pytest
from django.utils import translation

from clinics import hours
from clinics.hours import OSLO
from clinics.models import Closure, OpeningHours
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def clinic():
    clinic = ClinicFactory()
    for weekday in range(5):  # Monday to Friday 08–16
        OpeningHours.objects.create(
            clinic=clinic, weekday=weekday, opens=dt.time(8), closes=dt.time(16)
        )
    # Friday evening until 02.00 on Saturday.
    OpeningHours.objects.create(
        clinic=clinic, weekday=4, opens=dt.time(18), closes=dt.time(2)
    )
    Closure.objects.create(
        clinic=clinic,
        starts_on=dt.date(2026, 12, 24),
        ends_on=dt.date(2026, 12, 26),
        reason_nb="jul",
        reason_en="Christmas",
    )
    return clinic


def oslo(*args):
    return dt.datetime(*args, tzinfo=OSLO)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (oslo(2026, 11, 26, 7, 59), False),  # Thursday before opening
        (oslo(2026, 11, 26, 8, 0), True),
        (oslo(2026, 11, 26, 15, 59), True),
        (oslo(2026, 11, 26, 16, 0), False),
        (oslo(2026, 11, 27, 17, 0), False),  # Friday between the intervals
        (oslo(2026, 11, 27, 23, 30), True),  # Friday night
        (oslo(2026, 11, 28, 1, 59), True),  # ...into Saturday
        (oslo(2026, 11, 28, 2, 0), False),
        (oslo(2026, 11, 28, 12, 0), False),  # Saturday
        (oslo(2026, 11, 29, 12, 0), False),  # Sunday
        (oslo(2026, 12, 24, 12, 0), False),  # Thursday, closed for Christmas
        (oslo(2026, 12, 25, 23, 0), False),  # Friday night, still closed
        (oslo(2026, 12, 26, 1, 0), False),  # the night after a closed Friday
        (oslo(2026, 12, 28, 9, 0), True),  # open again
    ],
)
def test_open_at(clinic, moment, is_open):
    clinic = type(clinic).objects.with_details().get(pk=clinic.pk)
    assert hours.is_open_at(clinic, moment) is is_open


def test_utc_moments_are_read_in_oslo_time_summer_and_winter(clinic):
    clinic = type(clinic).objects.with_details().get(pk=clinic.pk)
    # 06.30 UTC is 08.30 in summer (UTC+2) and 07.30 in winter (UTC+1).
    assert hours.is_open_at(clinic, dt.datetime(2026, 6, 1, 6, 30, tzinfo=UTC)) is True
    assert hours.is_open_at(clinic, dt.datetime(2026, 1, 5, 6, 30, tzinfo=UTC)) is False
    assert hours.is_open_at(clinic, dt.datetime(2026, 1, 5, 7, 30, tzinfo=UTC)) is True


def test_describe_day(clinic):
    clinic = type(clinic).objects.with_details().get(pk=clinic.pk)
    with translation.override("nb"):
        assert hours.describe_day(clinic, dt.date(2026, 11, 26)) == "08.00–16.00"
        assert (
            hours.describe_day(clinic, dt.date(2026, 11, 27))
            == "08.00–16.00, 18.00–00.00"
        )
        assert hours.describe_day(clinic, dt.date(2026, 11, 28)) == "00.00–02.00"
        assert hours.describe_day(clinic, dt.date(2026, 11, 29)) == "Stengt"
        assert hours.describe_day(clinic, dt.date(2026, 12, 24)) == "Stengt (jul)"
    with translation.override("en"):
        assert hours.describe_day(clinic, dt.date(2026, 12, 24)) == "Closed (Christmas)"


def test_week_rows_start_today_and_mark_it(clinic):
    clinic = type(clinic).objects.with_details().get(pk=clinic.pk)
    with translation.override("nb"):
        rows = hours.week_rows(clinic, dt.date(2026, 11, 26))
    assert [row["label"] for row in rows[:2]] == [
        "torsdag 26. november",
        "fredag 27. november",
    ]
    assert [row["is_today"] for row in rows] == [True] + [False] * 6
    assert rows[3]["value"] == "Stengt"
