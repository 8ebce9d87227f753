"""Booking a course of treatment from the appointment book ("Bestill serie"): the
times after a booking at its weekday and time with its practitioner, every week or
every second week, up to BOOK_SERIES_MAX; the page says which are free, taken,
blocked, too short or outside the schedule, and books the free ones chosen
(booking.services.booking_series_create)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.formatting import slot_time
from booking.models import Booking
from booking.services import booking_series_create, series_times

SERIES_LABELS = {
    "free": gettext_lazy("free"),
    "taken": gettext_lazy("taken"),
    "blocked": gettext_lazy("blocked"),
    "short": gettext_lazy("too short for this appointment"),
    "outside": gettext_lazy("outside the schedule"),
}
INTERVALS = {"1": 1, "2": 2}


class BookSeries:
    """The course page, mixed into BookViews."""

    def series(self, request, clinic_id, booking_id):
        clinic = self.clinic(request, clinic_id)
        if not request.user.has_perm("booking.add_booking"):
            raise PermissionDenied
        booking = (
            Booking.objects.select_related("slot__practitioner", "appointment_type")
            .filter(
                pk=booking_id,
                slot__clinic=clinic,
                status=Booking.Status.CONFIRMED,
            )
            .first()
        )
        if booking is None:
            raise Http404
        data = request.POST if request.method == "POST" else request.GET
        every = INTERVALS.get(data.get("hver", "1"))
        most = settings.BOOK_SERIES_MAX
        raw_count = data.get("antall", str(most))
        count = int(raw_count) if raw_count.isdigit() else 0
        errors = []
        if every is None:
            errors.append(_("Choose every week or every second week."))
            every = 1
        if not 1 <= count <= most:
            errors.append(
                _("Choose how many times: from 1 to %(most)s.") % {"most": most}
            )
            count = most
        times = series_times(booking=booking, every_weeks=every, count=count)
        if request.method == "POST" and not errors:
            # Any time of this course chosen: one taken or blocked since the page
            # was shown is tried, refused and reported like the rest.
            ours = {t.slot.pk for t in times if t.slot is not None}
            chosen = [
                int(value)
                for value in request.POST.getlist("tider")
                if value.isdigit() and int(value) in ours
            ]
            if not chosen:
                errors.append(_("Choose at least one free time."))
            else:
                booked, refused = booking_series_create(
                    booking=booking, slot_ids=chosen
                )
                if booked:
                    messages.success(
                        request,
                        _("Booked %(count)s: %(times)s. The patient gets one message.")
                        % {
                            "count": len(booked),
                            "times": ", ".join(slot_time(b.starts_at) for b in booked),
                        },
                    )
                starts = {t.slot.pk: t.slot.starts_at for t in times if t.slot}
                for slot_id, message in refused:
                    messages.error(
                        request,
                        _("Not booked: %(when)s. %(why)s")
                        % {"when": slot_time(starts[slot_id]), "why": message},
                    )
                return redirect(
                    f"{request.path}?{urlencode({'hver': every, 'antall': count})}"
                )
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": _("Book a course for %(reference)s")
            % {"reference": booking.reference},
            "clinic": clinic,
            "booking": booking,
            "times": [(t, SERIES_LABELS[t.state]) for t in times],
            "every": every,
            "count": count,
            "most": most,
            "counts": range(1, most + 1),
            "errors": errors,
            "book_url": self.url(clinic, timezone.localdate(booking.slot.starts_at)),
        }
        return TemplateResponse(
            request,
            "admin/booking/book_series.html",
            context,
            status=400 if errors else 200,
        )
