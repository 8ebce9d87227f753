"""Times written the way patients read them, from the per-language format files
(nemus_site/formats/<language>/formats.py)."""

from django.utils import timezone
from django.utils.formats import date_format, time_format

from clinics.hours import OSLO


def slot_time(moment) -> str:
    """'torsdag 26. november kl. 09.30' / 'Thursday 26 November at 09:30'."""
    return date_format(timezone.localtime(moment, OSLO), "SLOT_FORMAT")


def clock(moment) -> str:
    """'09.30' / '09:30'."""
    return time_format(timezone.localtime(moment, OSLO), "TIME_FORMAT")
