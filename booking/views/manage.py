"""A patient's own booking, opened from the link in their e-mail or SMS: cancel it, or
change its time."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from booking.links import booking_link
from booking.models import ClinicBookingPolicy
from booking.selectors import (
    booking_get_for_patient,
    slot_list_open,
)
from booking.services import (
    BookingError,
    ChangeTooLate,
    SlotTaken,
    booking_cancel,
    booking_change,
)
from booking.views.book import refusal_page
from booking.views.public import (
    WINDOW_MAX,
    booking_crumbs,
    clinic_for_slots,
    day_view_context,
)


def _booking_for_token(token):
    """The booking a signed link names, or None when the link is forged or broken,
    the booking gone, or the row under its id another booking (a restore)."""
    link = booking_link(token)
    if link is None:
        return None
    booking = booking_get_for_patient(booking_id=link.row_id)
    return booking if link.fits(booking) else None


def manage_page(request, booking, token, *, status=None, **extra):
    """The page the e-mail's link opens: the booking with its reference, "Change
    the time" and "Cancel", or what can no longer be done and the phone."""
    context = {
        "breadcrumbs": booking_crumbs((_("Your appointment"), "")),
        "booking": booking,
        "token": token,
        **extra,
    }
    if booking is not None:
        clinic = booking.slot.clinic
        policy = ClinicBookingPolicy.for_clinic(clinic)
        context.update(
            clinic=clinic,
            slot=booking.slot,
            too_late=policy.too_late_to_cancel(booking.slot.starts_at, timezone.now()),
            cutoff_hours=policy.cancel_cutoff_hours,
        )
    if status is None:
        status = 404 if booking is None else 200
    return render(request, "booking/booking_cancel.html", context, status=status)


def _change_refused(request, booking, token):
    """Why this booking's time cannot be changed online, as a page (404 for a link
    that is not ours, 410 for a cancelled booking or one past the cut-off), or
    None when it can."""
    if booking is None:
        return manage_page(request, None, token)
    if not booking.is_active:
        return manage_page(request, booking, token, status=410)
    policy = ClinicBookingPolicy.for_clinic(booking.slot.clinic)
    if policy.too_late_to_cancel(booking.slot.starts_at, timezone.now()):
        return manage_page(
            request, booking, token, status=410, error=ChangeTooLate.message
        )
    return None


@method_decorator(never_cache, name="dispatch")
class CancelView(View):
    """The signed link from the e-mail: the booking, to change or cancel (POST)."""

    def get(self, request, token):
        booking = _booking_for_token(token)
        return manage_page(
            request, booking, token, changed=request.GET.get("endret") == "1"
        )

    def post(self, request, token):
        booking = _booking_for_token(token)
        if booking is None or not booking.is_active:
            return manage_page(request, booking, token)
        try:
            booking_cancel(booking_id=booking.pk)
        except BookingError as error:
            return manage_page(request, booking, token, error=error.message)
        return manage_page(
            request,
            booking_get_for_patient(booking_id=booking.pk),
            token,
            cancelled=True,
        )


def _change_crumbs(token, *extra):
    return booking_crumbs(
        (_("Your appointment"), reverse("booking:cancel", args=[token])), *extra
    )


@method_decorator(never_cache, name="dispatch")
class ChangeTimesView(View):
    """Choosing a new time: the clinic's day view for the booking's appointment
    type, each time leading to a confirmation. Personal: never cached."""

    def get(self, request, token):
        booking = _booking_for_token(token)
        refused = _change_refused(request, booking, token)
        if refused:
            return refused
        clinic = clinic_for_slots(booking.slot.clinic.slug)
        context = day_view_context(
            request,
            clinic,
            time_prefix=reverse("booking:change", args=[token]),
            fixed_type=booking.appointment_type,
        )
        context.update(
            changing=booking,
            token=token,
            breadcrumbs=_change_crumbs(token, (_("Change the appointment"), "")),
        )
        status = 400 if context["form"].errors else 200
        return render(request, "booking/slot_list.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class ChangeConfirmView(View):
    """The new time beside the old, and one button: the move is one locked
    transaction (booking.services.booking_change), the old time freed only when
    the new one is had."""

    template_name = "booking/booking_change.html"

    def setup_change(self, request, token, slot_id):
        booking = _booking_for_token(token)
        refused = _change_refused(request, booking, token)
        if refused:
            return booking, None, refused
        clinic = booking.slot.clinic
        now = timezone.now()
        slot = (
            slot_list_open(
                clinic=clinic,
                start=now,
                end=now + WINDOW_MAX,
                appointment_type=booking.appointment_type,
            )
            .filter(pk=slot_id)
            .first()
        )
        if slot is None:
            return booking, None, self.refuse(request, booking, token, slot_id)
        return booking, slot, None

    def refuse(self, request, booking, token, slot_id):
        return refusal_page(
            request,
            booking.slot.clinic,
            slot_id,
            time_prefix=reverse("booking:change", args=[token]),
            crumbs=_change_crumbs(token, (_("Change the appointment"), "")),
        )

    def render_change(self, request, booking, token, slot, *, error="", status=200):
        return render(
            request,
            self.template_name,
            {
                "booking": booking,
                "old": booking.slot,
                "new": slot,
                "clinic": booking.slot.clinic,
                "token": token,
                "error": error,
                "breadcrumbs": _change_crumbs(
                    token,
                    (
                        _("Change the appointment"),
                        reverse("booking:change", args=[token]),
                    ),
                    (_("Confirm"), ""),
                ),
            },
            status=status,
        )

    def get(self, request, token, slot_id):
        booking, slot, refused = self.setup_change(request, token, slot_id)
        if refused:
            return refused
        return self.render_change(request, booking, token, slot)

    def post(self, request, token, slot_id):
        booking, slot, refused = self.setup_change(request, token, slot_id)
        if refused:
            return refused
        try:
            booking_change(booking_id=booking.pk, new_slot_id=slot.pk)
        except SlotTaken:
            return self.refuse(request, booking, token, slot.pk)
        except ChangeTooLate as error:
            return manage_page(request, booking, token, status=410, error=error.message)
        except BookingError as error:
            return self.render_change(
                request, booking, token, slot, error=error.message, status=400
            )
        return redirect(reverse("booking:cancel", args=[token]) + "?endret=1")
