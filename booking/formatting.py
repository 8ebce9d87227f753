"""Times written the way patients read them."""

from django.utils import timezone, translation
from django.utils.formats import date_format

from clinics.hours import OSLO


def slot_time(moment) -> str:
    """'torsdag 26. november kl. 09.30' / 'Thursday 26 November at 09:30'."""
    local = timezone.localtime(moment, OSLO)
    if translation.get_language() == "nb":
        return f"{date_format(local, 'l j. F')} kl. {local:%H.%M}"
    return f"{date_format(local, 'l j F')} at {local:%H:%M}"


def clock(moment) -> str:
    local = timezone.localtime(moment, OSLO)
    return f"{local:%H.%M}" if translation.get_language() == "nb" else f"{local:%H:%M}"
