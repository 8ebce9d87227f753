from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def finder_entry(entry, status, next_open=""):
    """One clinic in the finder's list (clinics.views.FinderEntry): the parts that
    change only when staff edit come rendered (its card; `status`, the open/closed
    badge both ways), joined here with what changes by the minute (distance, open
    now, today's hours, `next_open`: the first free time, written out, a link to
    the booking form for it). Twenty of
    these as an include in a loop took a quarter of the finder's rendering."""
    clinic, card = entry.clinic, entry.card
    distance = ""
    if entry.distance_km is not None:
        distance = format_html(
            '<p class="nm-clinic__distance">{}</p>',
            _("%(distance)s km away") % {"distance": floatformat(entry.distance_km, 1)},
        )
    soonest = ""
    if next_open:
        soonest = format_html(
            '<p class="nm-next-open"><strong>{}:</strong> <a href="{}">{}</a></p>',
            _("Next available appointment"),
            # booking:book is booking:clinic's address and the slot's id
            # (booking/urls.py); tests/clinics/test_clinic_page.py follows it.
            f"{card['booking_url']}{entry.next_open.slot_id}/",
            next_open,
        )
    new_patients = ""
    if entry.open_to_new:
        new_patients = format_html(
            '<p class="nm-clinic__new">{}</p>', _("Takes new patients")
        )
    return format_html(
        '<li class="nm-clinic" id="clinic-{}" data-clinic="{}">{}{}{}'
        '<p class="nm-clinic__hours">{} · {}: {}</p>{}{}{}{}</li>',
        clinic.slug,
        clinic.slug,
        card["heading"],
        distance,
        card["address"],
        status[entry.open_now],
        _("Today"),
        entry.today_hours,
        soonest,
        new_patients,
        card["access"],
        card["actions"],
    )
