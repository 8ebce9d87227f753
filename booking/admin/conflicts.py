"""Booked times a practitioner's own calendar now marks busy: on the admin's front
page and on the book's day."""

from django.utils import timezone
from django.utils.translation import gettext as _

from booking.admin.book_links import book_url
from booking.formatting import slot_time
from booking.selectors import calendar_conflicts
from booking.staff import staff_clinic_ids


def conflict_items(request, clinic_ids=None):
    """Booked times a practitioner's own calendar now marks busy, as (text, link
    to the book's day) for the user's clinics."""
    clinics = staff_clinic_ids(request.user)
    if clinic_ids is not None:
        clinics = clinic_ids if clinics is None else set(clinics) & set(clinic_ids)
    items = []
    for booking in calendar_conflicts(clinic_ids=clinics)[:50]:
        day = timezone.localdate(booking.starts_at)
        items.append(
            (
                _("%(when)s, %(name)s: %(reference)s (busy in their calendar)")
                % {
                    "when": slot_time(booking.starts_at),
                    "name": booking.slot.practitioner.name,
                    "reference": booking.reference,
                },
                book_url(booking.slot.clinic_id, day),
            )
        )
    return items


def conflicts_notice(request):
    """The front page's notice of conflicts with practitioners' calendars."""
    if not request.user.has_perm("booking.view_booking"):
        return None
    items = conflict_items(request)
    if not items:
        return None
    return {
        "id": "calendar-conflicts",
        "title": _("Bookings at times the practitioner's calendar says busy"),
        "items": items,
    }
