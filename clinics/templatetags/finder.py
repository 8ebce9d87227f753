import functools

from django import template
from django.template import defaultfilters
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@functools.lru_cache(maxsize=8)
def _labels(_language: str) -> dict:
    """The entry's words in the active language, escaped once per worker."""
    return {
        "away": _("%(distance)s km away"),
        "next": escape(_("Next available appointment")),
        "today": escape(_("Today")),
        "new": escape(_("Takes new patients")),
    }


@register.simple_tag
def finder_entry(entry, status, next_open=""):
    """One clinic in the finder's list (clinics.views.FinderEntry): the parts that
    change only when staff edit come rendered (its card; `status`, the open/closed
    badge both ways), joined here with what changes by the minute (distance, open
    now, today's hours, `next_open`: the first free time, written out, a link to
    the booking form for it). Twenty of these as an include in a loop took a
    quarter of the finder's rendering; written with format_html, a sixth of a
    search's: the kept parts are safe already, only the rest is escaped here."""
    clinic, card = entry.clinic, entry.card
    labels = _labels(get_language())
    distance = ""
    if entry.distance_km is not None:
        away = labels["away"] % {
            "distance": defaultfilters.floatformat(entry.distance_km, 1)
        }
        distance = f'<p class="nm-clinic__distance">{escape(away)}</p>'
    soonest = ""
    if next_open:
        # booking:book is booking:clinic's address and the slot's id
        # (booking/urls.py); tests/clinics/test_clinic_page.py follows it.
        href = escape(f"{card['booking_url']}{entry.next_open.slot_id}/")
        soonest = (
            f'<p class="nm-next-open"><strong>{labels["next"]}:</strong> '
            f'<a href="{href}">{conditional_escape(next_open)}</a></p>'
        )
    new_patients = ""
    if entry.open_to_new:
        new_patients = f'<p class="nm-clinic__new">{labels["new"]}</p>'
    slug = escape(clinic.slug)
    # Every part is escaped here or kept safe (the card, the badge).
    return mark_safe(
        f'<li class="nm-clinic" id="clinic-{slug}" data-clinic="{slug}">'
        f"{card['heading']}{distance}{card['address']}"
        f'<p class="nm-clinic__hours">{status[entry.open_now]} · {labels["today"]}: '
        f"{conditional_escape(entry.today_hours)}</p>{soonest}{new_patients}"
        f"{card['access']}{card['actions']}</li>"
    )
