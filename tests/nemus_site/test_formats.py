import datetime as dt

import pytest
from django.utils import translation
from django.utils.formats import date_format

from booking.formatting import clock, day_labels, nok, slot_time
from clinics.hours import Interval, day_label

NB, EN = "08.00–16.00", "08:00–16:00"
MOMENT = dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.UTC)  # 08.30 in Oslo


@pytest.mark.parametrize(
    ("language", "when", "time", "day", "hours"),
    [
        (
            "nb",
            "mandag 30. november kl. 08.30",
            "08.30",
            "mandag 30. november",
            "08.00–16.00",
        ),
        (
            "en",
            "Monday 30 November at 08:30",
            "08:30",
            "Monday 30 November",
            "08:00–16:00",
        ),
    ],
)
def test_dates_and_times_come_from_the_format_files(language, when, time, day, hours):
    with translation.override(language):
        assert slot_time(MOMENT) == when
        assert clock(MOMENT) == time
        assert day_label(MOMENT.date()) == day
        assert str(Interval(dt.time(8), dt.time(16))) == hours


@pytest.mark.parametrize(
    ("language", "book_day", "strip_day", "price"),
    [
        ("nb", "man 30.", "30.", "1\xa0250 kr"),
        ("en", "Mon 30", "30", "NOK 1,250"),
    ],
)
def test_the_book_days_and_prices_read_as_each_language_writes_them(
    language, book_day, strip_day, price
):
    with translation.override(language):
        assert date_format(MOMENT.date(), "BOOK_DAY_FORMAT") == book_day
        assert day_labels(MOMENT.date()).number == strip_day
        assert nok(1250) == price
