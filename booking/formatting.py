"""Times written the way patients read them, from the per-language format files
(nemus_site/formats/<language>/formats.py)."""

import datetime as dt
import functools
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format, number_format, time_format
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from clinics.hours import OSLO


def slot_time(moment) -> str:
    """'torsdag 26. november kl. 09.30' / 'Thursday 26 November at 09:30'."""
    return _slot_time(moment, get_language())


@functools.lru_cache(maxsize=2048)
def _slot_time(moment, _language: str) -> str:
    # Kept: the finder writes twenty clinics' next times on each rendering, and
    # most are the same few moments.
    return date_format(timezone.localtime(moment, OSLO), "SLOT_FORMAT")


def change_rule(policy, starts_at, now=None) -> str:
    """The clinic's rule for this appointment, said before the patient books and
    repeated after: until when it can be changed or cancelled online."""
    now = now or timezone.now()
    deadline = policy.change_deadline(starts_at)
    if deadline > now:
        return _(
            "You can change or cancel online until %(when)s. After that, call the "
            "clinic."
        ) % {"when": slot_time(deadline)}
    return ngettext(
        "This appointment cannot be changed or cancelled online: it is less than "
        "%(hours)s hour away. Call the clinic if you cannot come.",
        "This appointment cannot be changed or cancelled online: it is less than "
        "%(hours)s hours away. Call the clinic if you cannot come.",
        policy.cancel_cutoff_hours,
    ) % {"hours": policy.cancel_cutoff_hours}


def nok(amount: int) -> str:
    """'590 kr' / 'NOK 590', grouped as each language groups ('1 250 kr' /
    'NOK 1,250')."""
    grouped = number_format(amount, force_grouping=True)
    return pgettext("money", "NOK %(amount)s") % {"amount": grouped}


def clock(moment) -> str:
    """'09.30' / '09:30'."""
    return time_format(timezone.localtime(moment, OSLO), "TIME_FORMAT")


def day_short(moment) -> str:
    """'i dag', 'i morgen' or 'man. 30. nov' / 'today', 'tomorrow' or 'Mon 30 Nov':
    the day of a time on a small button."""
    day = timezone.localtime(moment, OSLO).date()
    today = timezone.localtime(timezone.now(), OSLO).date()
    if day == today:
        return _("today")
    if day == today + dt.timedelta(days=1):
        return _("tomorrow")
    return date_format(day, "SHORT_DAY_FORMAT")


@dataclass(frozen=True)
class DayLabels:
    weekday: str  # 'man.' / 'Mon'
    number: str  # '30.' / '30'
    full: str  # 'mandag 30. november' / 'Monday 30 November'


def day_labels(day: dt.date) -> DayLabels:
    """A day's names for the day strip, made once per day and language (the strip
    shows fourteen days on every rendering)."""
    return _day_labels(day, get_language())


@functools.lru_cache(maxsize=512)
def _day_labels(day: dt.date, _language: str) -> DayLabels:
    return DayLabels(
        weekday=date_format(day, "D"),
        number=date_format(day, "DAY_NUMBER_FORMAT"),
        full=date_format(day, "DAY_FORMAT"),
    )
