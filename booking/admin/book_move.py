"""Moving a booking in the appointment book by pointing: "Flytt" turns the book
into a move view (`?flytt=<booking>`) where only the open times the appointment
fits are marked (practitioners who offer its type, long enough), nothing chosen in
advance; a marked time leads to "Fra … til …" and a confirm, then booking_move.
Links and a confirm page: no JavaScript needed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.admin.book_links import QUERY_NAMES, query_of
from booking.formatting import slot_time
from booking.models import Booking
from booking.selectors import book_cell_get
from booking.services import BookingError, booking_move


def can_move_to(cell, booking) -> bool:
    """Whether `booking` can be moved to the time of `cell`: open, another time,
    a practitioner who offers its type, long enough for it."""
    kind = booking.appointment_type
    return (
        cell.state == "open"
        and cell.slot.pk != booking.slot_id
        and kind.offered_by(cell.slot.practitioner.profession)
        and kind.fits_in(cell.slot)
    )


def move_targets(book, booking) -> set[int]:
    """The ids of the book's times `booking` can be moved to (none when not
    moving)."""
    if booking is None:
        return set()
    return {
        cell.slot.pk
        for column in book.columns
        for cell in column.cells.values()
        if can_move_to(cell, booking)
    }


class BookMove:
    """The move view and its confirm, mixed into BookViews."""

    def moving(self, request, clinic, query):
        """The active booking of this clinic the book is moving, or None."""
        if not request.user.has_perm("booking.change_booking"):
            return None
        try:
            booking_id = int(query.get(QUERY_NAMES["moving"], ""))
        except ValueError:
            return None
        return (
            Booking.objects.select_related("slot__practitioner", "appointment_type")
            .filter(
                pk=booking_id,
                slot__clinic=clinic,
                status__in=[Booking.Status.CONFIRMED],
            )
            .first()
        )

    def move(self, request, clinic_id, booking_id):
        """GET without a time: the book in move view on the booking's day. GET
        with `til`: "Fra … til …" to confirm. POST: the move, through
        booking_move; a time taken meanwhile is said, with the book fresh (409)."""
        clinic = self.clinic(request, clinic_id)
        if not request.user.has_perm("booking.change_booking"):
            raise PermissionDenied
        booking = self.moving(request, clinic, {QUERY_NAMES["moving"]: booking_id})
        back = request.POST.get("back") or request.GET.get("back") or ""
        if booking is None:
            exists = Booking.objects.filter(pk=booking_id, slot__clinic=clinic)
            if not exists.exists():
                raise Http404
            cell = book_cell_get(
                slot_id=exists.values_list("slot_id", flat=True)[0],
                clinic_ids=[clinic.pk],
            )
            return self.stale(request, clinic, cell, query_of(back))
        day = timezone.localdate(booking.slot.starts_at)
        move_view = self.url(clinic, day, moving=booking.pk)
        raw = request.POST.get("target") or request.GET.get("til") or ""
        if not raw:
            return redirect(move_view)
        try:
            target_id = int(raw)
        except ValueError:
            raise Http404 from None
        cell = book_cell_get(slot_id=target_id, clinic_ids=[clinic.pk])
        if cell is None:
            raise Http404
        # Refused, the move view on the chosen time's day, fresh.
        moving_query = query_of(
            self.url(clinic, timezone.localdate(cell.slot.starts_at), moving=booking.pk)
        )
        if not can_move_to(cell, booking):
            messages.error(
                request,
                _(
                    "%(when)s is not a time this appointment can move to now. "
                    "Choose one of the marked times."
                )
                % {"when": slot_time(cell.slot.starts_at)},
            )
            status = 409 if cell.state != "open" else 400
            return self.render_book(request, clinic, status=status, query=moving_query)
        if request.method == "POST":
            try:
                booking_move(booking_id=booking.pk, new_slot_id=cell.slot.pk)
            except BookingError as refusal:
                messages.error(
                    request,
                    _("%(refusal)s Choose another of the marked times.")
                    % {"refusal": refusal.message},
                )
                return self.render_book(request, clinic, status=409, query=moving_query)
            messages.success(
                request,
                _("Moved %(reference)s to %(when)s.")
                % {
                    "reference": booking.reference,
                    "when": slot_time(cell.slot.starts_at),
                },
            )
            # The book on the new time's day, out of the move view.
            return redirect(self.url(clinic, timezone.localdate(cell.slot.starts_at)))
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": _("Move %(reference)s") % {"reference": booking.reference},
            "clinic": clinic,
            "booking": booking,
            "target": cell,
            "back": back,
            "move_view": move_view,
            "book_url": self.url(clinic, day),
        }
        return TemplateResponse(request, "admin/booking/book_move.html", context)
