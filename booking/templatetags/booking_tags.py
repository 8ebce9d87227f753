from django import template
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking import formatting
from booking.models import ClinicBookingPolicy
from clinics.hours import OSLO

register = template.Library()


@register.filter
def slot_time(moment):
    """'torsdag 26. november kl. 09.30'."""
    return formatting.slot_time(moment) if moment else ""


@register.simple_tag
def change_rule(slot):
    """Until when an appointment at `slot` can be changed or cancelled online, from
    its clinic's policy ("" without a slot)."""
    if not getattr(slot, "starts_at", None):
        return ""
    policy = ClinicBookingPolicy.for_clinic(slot.clinic)
    return formatting.change_rule(policy, slot.starts_at)


@register.filter
def nok(amount):
    """590 -> '590 kr' / 'NOK 590'."""
    return formatting.nok(amount)


@register.filter
def clock(moment):
    """'09.30' (Norwegian) or '09:30' (English), in Oslo time."""
    return formatting.clock(moment) if moment else ""


@register.filter
def day_short(moment):
    """'i dag', 'i morgen' or 'man 30. nov', in Oslo time."""
    return formatting.day_short(moment) if moment else ""


@register.simple_tag
def time_links(slots, prefix, query=""):
    """A day's times as the list of links the day view shows: each to `prefix` +
    the slot's id + `query`, its clock time with the practitioner's name for screen
    readers. Made here rather than by a loop in the template, which took most of
    the day view's rendering (80 times: ~5 ms, here well under 1)."""
    clock_format = get_format("TIME_FORMAT")
    if clock_format in ("H.i", "H:i"):  # nb and en: no formatter object per time
        separator = clock_format[1]

        def clock(moment):
            local = timezone.localtime(moment, OSLO)
            return f"{local.hour:02d}{separator}{local.minute:02d}"

    else:

        def clock(moment):
            return time_format(timezone.localtime(moment, OSLO), clock_format)

    # Escaped once each, not once per time: the link's start and end, and each
    # practitioner's name (a time's id and clock are digits).
    prefix, query = conditional_escape(prefix), conditional_escape(query)
    names: dict = {}
    items = []
    for slot in slots:
        practitioner = slot.practitioner
        name = names.get(practitioner.pk)
        if name is None:
            name = names[practitioner.pk] = conditional_escape(practitioner.name)
        items.append(
            f'<li><a class="nm-time" href="{prefix}{int(slot.pk)}/{query}">'
            f"{clock(slot.starts_at)}"
            f'<span class="nm-visually-hidden">, {name}</span></a></li>'
        )
    return mark_safe(f'<ul class="nm-times">{"".join(items)}</ul>')


@register.simple_tag
def strip_days(days, chosen):
    """The day strip's fourteen days (day_view_context's `strip_days`: each
    StripDay with its link and DayLabels), `chosen` marked as the current one: a
    link with the day's count where it has times, else a dash. Made here rather
    than by a loop in the template: fourteen days with a plural each were a sixth
    of a tapped day's rendering."""
    items = []
    for day, url, label in days:
        weekday, number = (
            conditional_escape(label.weekday),
            conditional_escape(label.number),
        )
        # Spaces between the parts, as a screen reader's name for the link needs.
        names = (
            f'<span class="nm-strip__weekday">{weekday}</span> '
            f'<span class="nm-strip__date">{number}</span> '
        )
        if day.count:
            said = ngettext("available, %(day)s", "available, %(day)s", day.count) % {
                "day": label.full
            }
            current = ' aria-current="date"' if day.date == chosen else ""
            items.append(
                f'<li><a class="nm-strip__day" href="{conditional_escape(url)}#tider"'
                f" data-swap{current}>{names}"
                f'<span class="nm-strip__count">{int(day.count)}'
                f'<span class="nm-visually-hidden"> {conditional_escape(said)}'
                "</span></span></a></li>"
            )
        else:
            said = _("none available, %(day)s") % {"day": label.full}
            items.append(
                '<li><span class="nm-strip__day nm-strip__day--none">'
                f'{names}<span class="nm-strip__count"><span aria-hidden="true">'
                '–</span><span class="nm-visually-hidden">'
                f"{conditional_escape(said)}</span></span></span></li>"
            )
    return mark_safe("".join(items))
