"""Times written the way patients read them, from the per-language format files
(nemus_site/formats/<language>/formats.py)."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from clinics.hours import OSLO


def slot_time(moment) -> str:
    """'torsdag 26. november kl. 09.30' / 'Thursday 26 November at 09:30'."""
    return date_format(timezone.localtime(moment, OSLO), "SLOT_FORMAT")


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
