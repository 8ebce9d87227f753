from django import template

from booking import formatting

register = template.Library()


@register.filter
def slot_time(moment):
    """'torsdag 26. november kl. 09.30'."""
    return formatting.slot_time(moment) if moment else ""


@register.filter
def clock(moment):
    """'09.30' (Norwegian) or '09:30' (English), in Oslo time."""
    return formatting.clock(moment) if moment else ""


@register.filter
def day_short(moment):
    """'i dag', 'i morgen' or 'man 30. nov', in Oslo time."""
    return formatting.day_short(moment) if moment else ""
