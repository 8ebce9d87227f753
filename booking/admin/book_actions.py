"""What reception does to a time in the appointment book (booking/admin/book.py),
each through booking.services after checking the time is still as the page showed
it: block and open, cancel (asked once, never for a time that has begun, since
it erases the patient's details), mark attended or not attended. Marks, blocks and
opens can be undone from the note that confirms them, for BOOK_UNDO_SECONDS, by
the opposite service, and only while the time is still as that action left it."""

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.admin.book_links import query_of, safe_back
from booking.formatting import slot_time
from booking.models import Booking
from booking.selectors import STATE_LABELS, book_cell_get
from booking.services import (
    BookingError,
    SlotChanged,
    booking_cancel,
    booking_mark,
    booking_unmark,
    slot_set_withdrawn,
)
from booking.staff import sees_patient_names

# The session's note of the last action that can be undone (one at a time).
UNDO_KEY = "book_undo"

DONE = {
    "block": gettext_lazy("%(when)s is blocked."),
    "unblock": gettext_lazy("%(when)s is open again."),
    "attended": gettext_lazy("Marked attended: %(when)s."),
    "no_show": gettext_lazy("Marked as not attended: %(when)s."),
}
UNDONE = {
    "block": gettext_lazy("Undone: %(when)s is open again."),
    "unblock": gettext_lazy("Undone: %(when)s is blocked again."),
    "attended": gettext_lazy("Undone: %(when)s is booked, not marked."),
    "no_show": gettext_lazy("Undone: %(when)s is booked, not marked."),
}


class BookActions:
    """The book's actions, mixed into BookViews (which gives render_book)."""

    ACTIONS = {
        "block": "booking.change_slot",
        "unblock": "booking.change_slot",
        "cancel": "booking.change_booking",
        "attended": "booking.change_booking",
        "no_show": "booking.change_booking",
    }

    def stale(self, request, clinic, cell, back):
        """The page showed the time otherwise: say what it is now, show it fresh."""
        now_label = STATE_LABELS[cell.state] if cell else _("gone")
        when = slot_time(cell.slot.starts_at) if cell else ""
        messages.error(
            request,
            _(
                "Someone else changed the appointment at %(when)s first: it is now "
                "%(state)s. Here is the book as it is now."
            )
            % {"when": when, "state": now_label},
        )
        return self.render_book(request, clinic, status=409, query=back)

    def act(self, request, clinic):
        action = request.POST.get("action", "")
        if action == "undo":
            return self.undo(request, clinic)
        permission = self.ACTIONS.get(action)
        if permission is None or not request.user.has_perm(permission):
            raise PermissionDenied
        back = query_of(request.POST.get("back", ""))
        try:
            slot_id = int(request.POST.get("slot", ""))
        except ValueError:
            raise Http404 from None
        cell = book_cell_get(slot_id=slot_id, clinic_ids=[clinic.pk])
        if cell is None:
            raise Http404
        if cell.token != request.POST.get("state", ""):
            return self.stale(request, clinic, cell, back)
        when = slot_time(cell.slot.starts_at)
        if action == "cancel":
            return self.cancel(request, clinic, cell, back)
        try:
            if action in ("block", "unblock"):
                slot_set_withdrawn(
                    slot_id=cell.slot.pk, withdrawn=action == "block", strict=True
                )
            elif cell.booking is None:
                raise BookingError(_("There is no booking at that time."))
            else:
                booking_mark(
                    booking_id=cell.booking.pk,
                    status=Booking.Status.ATTENDED
                    if action == "attended"
                    else Booking.Status.NO_SHOW,
                )
        except BookingError as error:
            return self.refused(request, clinic, cell, back, error)
        after = book_cell_get(slot_id=slot_id, clinic_ids=[clinic.pk])
        request.session[UNDO_KEY] = {
            "id": secrets.token_urlsafe(9),
            "clinic": clinic.pk,
            "action": action,
            "slot": cell.slot.pk,
            "booking": cell.booking.pk if cell.booking else 0,
            "state": after.token if after else "",
            "at": time.time(),
            "text": DONE[action] % {"when": when},
        }
        return redirect(safe_back(request, clinic, self))

    def refused(self, request, clinic, cell, back, error):
        fresh = book_cell_get(slot_id=cell.slot.pk, clinic_ids=[clinic.pk])
        if fresh is not None and fresh.token != cell.token:
            return self.stale(request, clinic, fresh, back)
        messages.error(request, error.message)
        return self.render_book(request, clinic, status=400, query=back)

    def cancel(self, request, clinic, cell, back):
        """Cancel a booking, asked once first: it erases the patient's details
        and tells them. Never a time that has begun (mark it instead)."""
        if cell.booking is None:
            messages.error(request, _("There is no booking at that time."))
            return self.render_book(request, clinic, status=400, query=back)
        if cell.slot.starts_at <= timezone.now():
            messages.error(
                request,
                _(
                    "A time that has begun is not cancelled: mark it attended or "
                    "not attended."
                ),
            )
            return self.render_book(request, clinic, status=400, query=back)
        if request.POST.get("confirmed") != "1":
            context = {
                **self.model_admin.admin_site.each_context(request),
                "title": _("Cancel the booking at %(when)s?")
                % {"when": slot_time(cell.slot.starts_at)},
                "clinic": clinic,
                "cell": cell,
                "names": sees_patient_names(request.user, clinic.pk),
                "back": request.POST.get("back", ""),
                "back_url": safe_back(request, clinic, self),
            }
            return TemplateResponse(request, "admin/booking/book_cancel.html", context)
        try:
            booking_cancel(booking_id=cell.booking.pk, by_staff=True)
        except BookingError as error:
            return self.refused(request, clinic, cell, back, error)
        messages.success(
            request,
            _(
                "The booking at %(when)s is cancelled; the appointment is "
                "available again."
            )
            % {"when": slot_time(cell.slot.starts_at)},
        )
        return redirect(safe_back(request, clinic, self))

    def undo_note(self, request, clinic):
        """The last action that can still be undone here, or None (its note is
        dropped once too old)."""
        note = request.session.get(UNDO_KEY)
        if not isinstance(note, dict) or note.get("clinic") != clinic.pk:
            return None
        if time.time() - float(note.get("at", 0)) > settings.BOOK_UNDO_SECONDS:
            del request.session[UNDO_KEY]
            return None
        return note

    def undo(self, request, clinic):
        back = query_of(request.POST.get("back", ""))
        note = request.session.get(UNDO_KEY)
        if not isinstance(note, dict) or note.get("id") != request.POST.get("undo"):
            messages.error(request, _("There is nothing to undo."))
            return self.render_book(request, clinic, status=400, query=back)
        action = note["action"]
        if not request.user.has_perm(self.ACTIONS[action]):
            raise PermissionDenied
        del request.session[UNDO_KEY]
        cell = book_cell_get(slot_id=note["slot"], clinic_ids=[clinic.pk])
        if cell is None:
            raise Http404
        when = slot_time(cell.slot.starts_at)
        if time.time() - float(note["at"]) > settings.BOOK_UNDO_SECONDS:
            messages.error(
                request,
                _("It is too late to undo that (%(minutes)s minutes have passed).")
                % {"minutes": settings.BOOK_UNDO_SECONDS // 60},
            )
            return self.render_book(request, clinic, status=400, query=back)
        if cell.token != note["state"]:
            return self.stale(request, clinic, cell, back)
        try:
            if action in ("block", "unblock"):
                slot_set_withdrawn(
                    slot_id=cell.slot.pk, withdrawn=action == "unblock", strict=True
                )
            else:
                booking_unmark(
                    booking_id=note["booking"],
                    marked=Booking.Status.ATTENDED
                    if action == "attended"
                    else Booking.Status.NO_SHOW,
                )
        except SlotChanged:
            fresh = book_cell_get(slot_id=cell.slot.pk, clinic_ids=[clinic.pk])
            return self.stale(request, clinic, fresh, back)
        except BookingError as error:
            return self.refused(request, clinic, cell, back, error)
        messages.success(request, UNDONE[action] % {"when": when})
        return redirect(safe_back(request, clinic, self))
