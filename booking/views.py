import datetime as dt

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from booking.emails import booking_from_token
from booking.forms import BookingForm, SlotFilterForm
from booking.models import Booking, ClinicBookingPolicy, Slot
from booking.selectors import (
    appointment_types_for,
    booking_get_for_patient,
    clinics_annotate_next_open,
    slot_list_open,
    slots_by_day,
)
from booking.services import (
    BookingError,
    SlotTaken,
    booking_cancel,
    booking_create,
)
from clinics import hours
from clinics.forms import ClinicSearchForm
from clinics.hours import OSLO
from clinics.models import Clinic
from clinics.selectors import (
    Origin,
    clinic_list_for_map,
    clinic_list_nearest,
    distance_km,
    origin_from_query,
)
from nemus_site.client_ip import client_ip
from nemus_site.page_cache import PublicPageMixin
from nemus_site.ratelimit import rate_limit_hit, rate_limit_key

SESSION_CONFIRMATION = "booking_confirmation"
WEEK = dt.timedelta(days=7)


def _crumbs(*extra):
    return [
        (_("Home"), reverse("home")),
        (_("Book an appointment"), reverse("booking:index")),
        *extra,
    ]


class BookingStartView(PublicPageMixin, TemplateView):
    """Choose a clinic: the finder's search, with each clinic's next open time."""

    template_name = "booking/booking_start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ClinicSearchForm(self.request.GET or None)
        origin = Origin()
        if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
            origin = origin_from_query(query=form.cleaned_data["q"])
        # Names, addresses and phones: no hours or staff needed here.
        clinics = clinics_annotate_next_open(
            clinics=clinic_list_nearest(origin=origin, details=False)
        )
        context.update(
            form=form,
            origin=origin,
            clinics=clinics,
            breadcrumbs=[(_("Home"), reverse("home")), (_("Book an appointment"), "")],
        )
        return context


def _clinic_or_404(slug):
    clinic = (
        Clinic.objects.with_details()
        .select_related("booking_policy")
        .filter(slug=slug)
        .first()
    )
    if clinic is None:
        raise Http404("No such clinic")
    return clinic


def fallback_context(clinic, *, now=None):
    """What the page offers when no time is open: the phone, today's hours, and
    clinics nearby that have open times."""
    now = now or timezone.now()
    # Names and positions are all the suggestions need: one light query.
    nearby = sorted(
        (c for c in clinic_list_for_map() if c.pk != clinic.pk),
        key=lambda c: distance_km(
            clinic.latitude, clinic.longitude, c.latitude, c.longitude
        ),
    )
    nearby = clinics_annotate_next_open(clinics=nearby, now=now)
    suggestions = [c for c in nearby if c.next_open is not None][:3]
    return {
        "today_hours": hours.describe_day(clinic, hours.local_now().date()),
        "nearby": suggestions,
    }


class ClinicSlotsView(PublicPageMixin, TemplateView):
    """Open times at one clinic, grouped by day, a week at a time."""

    template_name = "booking/slot_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clinic = _clinic_or_404(kwargs["clinic"])
        practitioners = list(clinic.practitioners.all())
        types = appointment_types_for(professions={p.profession for p in practitioners})
        form = SlotFilterForm(
            self.request.GET or None,
            appointment_types=types,
            practitioners=practitioners,
        )
        choice = {"type": "", "yrke": "", "behandler": "", "uke": 0}
        filter_error = ""
        if form.is_bound:
            if form.is_valid():
                choice.update({k: v for k, v in form.cleaned_data.items() if v})
            else:
                filter_error = _(
                    "That choice is not available; showing every available appointment."
                )
        now = timezone.now()
        policy = ClinicBookingPolicy.for_clinic(clinic)
        appointment_type = next((t for t in types if t.slug == choice["type"]), None)
        filters = {
            "appointment_type": appointment_type,
            "profession": choice["yrke"],
            "practitioner_id": int(choice["behandler"])
            if choice["behandler"]
            else None,
        }
        week_start = (
            timezone.localtime(now, OSLO).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            + choice["uke"] * WEEK
        )
        latest = now + dt.timedelta(days=policy.max_days_ahead)
        next_slot = slot_list_open(
            clinic=clinic, start=now, end=latest, now=now, **filters
        ).first()
        week = list(
            slot_list_open(
                clinic=clinic,
                start=week_start,
                end=week_start + WEEK,
                now=now,
                **filters,
            )
        )
        query = self.request.GET.copy()
        query.pop("uke", None)

        def week_url(offset):
            params = query.copy()
            params["uke"] = offset
            return "?" + params.urlencode()

        context.update(
            clinic=clinic,
            policy=policy,
            form=form,
            filter_error=filter_error,
            appointment_type=appointment_type,
            next_slot=next_slot,
            days=slots_by_day(week),
            week_start=week_start,
            week_end=week_start + WEEK - dt.timedelta(days=1),
            previous_week=week_url(choice["uke"] - 1) if choice["uke"] > 0 else "",
            next_week=(
                week_url(choice["uke"] + 1) if week_start + WEEK < latest else ""
            ),
            type_query=f"?type={appointment_type.slug}" if appointment_type else "",
            breadcrumbs=_crumbs((clinic.name, "")),
        )
        if next_slot is None:
            context.update(fallback_context(clinic, now=now))
            if any(filters.values()):
                # Nothing for this choice; perhaps for another practitioner or type.
                context["unfiltered_next"] = slot_list_open(
                    clinic=clinic, start=now, end=latest, now=now
                ).first()
        return context


def _rate_limited(request) -> bool:
    """Booking posts from one client address in the last hour, counted in the
    database (nemus_site.ratelimit): a cache outage or cull never resets it."""
    return rate_limit_hit(
        key=rate_limit_key("booking-post", client_ip(request)),
        limit=settings.BOOKING_RATE_LIMIT,
        window=dt.timedelta(hours=1),
    )


@method_decorator(never_cache, name="dispatch")
class SlotBookView(View):
    """The short form for one open time; post/redirect/get to the confirmation."""

    template_name = "booking/booking_form.html"

    def setup_slot(self, clinic_slug, slot_id):
        clinic = _clinic_or_404(clinic_slug)
        now = timezone.now()
        slot = (
            slot_list_open(clinic=clinic, start=now, end=now + dt.timedelta(days=366))
            .filter(pk=slot_id)
            .first()
        )
        types = []
        if slot is not None:
            types = [
                t
                for t in appointment_types_for(
                    professions={slot.practitioner.profession}
                )
                if t.fits_in(slot)
            ]
        return clinic, slot, types

    def refuse(self, request, clinic, slot_id):
        """A time that cannot be booked here, answered for what it is: 409 when
        someone has just booked it, 404 when this clinic has no such time, 410 when
        it has gone (past, withdrawn, outside the window). A kind page each time."""
        slot = Slot.objects.filter(pk=slot_id, clinic=clinic).first()
        if slot is None:
            return self.unavailable(
                request, clinic, _("That time can no longer be booked online."), 404
            )
        if slot.bookings.filter(status__in=Booking.ACTIVE_STATUSES).exists():
            return self.unavailable(request, clinic, SlotTaken.message, 409)
        return self.unavailable(
            request, clinic, _("That time can no longer be booked online."), 410
        )

    def unavailable(self, request, clinic, message, status=200):
        context = {
            "clinic": clinic,
            "message": message,
            "breadcrumbs": _crumbs(
                (clinic.name, reverse("booking:clinic", args=[clinic.slug]))
            ),
            **fallback_context(clinic),
        }
        now = timezone.now()
        context["other_slots"] = list(
            slot_list_open(clinic=clinic, start=now, end=now + dt.timedelta(days=366))[
                :6
            ]
        )
        return render(request, "booking/slot_unavailable.html", context, status=status)

    def render_form(self, request, clinic, slot, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "clinic": clinic,
                "slot": slot,
                "form": form,
                "breadcrumbs": _crumbs(
                    (clinic.name, reverse("booking:clinic", args=[clinic.slug])),
                    (_("Your details"), ""),
                ),
            },
            status=status,
        )

    def get(self, request, clinic, slot_id):
        clinic, slot, types = self.setup_slot(clinic, slot_id)
        if slot is None or not types:
            return self.refuse(request, clinic, slot_id)
        initial = {}
        wanted = request.GET.get("type", "")
        if any(t.slug == wanted for t in types):
            initial["appointment_type"] = wanted
        elif len(types) == 1:
            initial["appointment_type"] = types[0].slug
        return self.render_form(
            request, clinic, slot, BookingForm(appointment_types=types, initial=initial)
        )

    def post(self, request, clinic, slot_id):
        clinic, slot, types = self.setup_slot(clinic, slot_id)
        if slot is None or not types:
            return self.refuse(request, clinic, slot_id)
        form = BookingForm(request.POST, appointment_types=types)
        if _rate_limited(request):
            form.add_error(
                None,
                _(
                    "Too many bookings from this connection. "
                    "Wait an hour, or call the clinic."
                ),
            )
            return self.render_form(request, clinic, slot, form, status=429)
        if not form.is_valid():
            return self.render_form(request, clinic, slot, form, status=400)
        if form.cleaned_data["website"]:
            form.add_error(
                None, _("The booking could not be sent. Call the clinic to book.")
            )
            return self.render_form(request, clinic, slot, form, status=400)
        data = form.cleaned_data
        try:
            booking = booking_create(
                slot_id=slot.pk,
                appointment_type=data["appointment_type"],
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                is_new_patient=data["is_new_patient"],
                privacy_notice_read=data["privacy"],
            )
        except SlotTaken as error:
            return self.unavailable(request, clinic, error.message, status=409)
        except BookingError as error:
            form.add_error(None, error.message)
            return self.render_form(request, clinic, slot, form, status=400)
        request.session[SESSION_CONFIRMATION] = {
            "booking": booking.pk,
            "at": timezone.now().timestamp(),
        }
        return redirect("booking:confirmation")


@method_decorator(never_cache, name="dispatch")
class ConfirmationView(View):
    """The booking just made, with the patient's details, for a few minutes only
    (BOOKING_CONFIRMATION_MINUTES): on a shared computer the next person must not
    find them. After that the page says the e-mail has them."""

    def get(self, request):
        stored = request.session.get(SESSION_CONFIRMATION)
        if not isinstance(stored, dict):
            return redirect("booking:index")
        age = timezone.now().timestamp() - float(stored.get("at", 0))
        if age > settings.BOOKING_CONFIRMATION_MINUTES * 60:
            del request.session[SESSION_CONFIRMATION]
            return render(
                request,
                "booking/booking_confirmation.html",
                {"expired": True, "breadcrumbs": _crumbs((_("Confirmation"), ""))},
            )
        booking = booking_get_for_patient(booking_id=stored.get("booking"))
        if booking is None or not booking.is_active:
            return redirect("booking:index")
        return render(
            request,
            "booking/booking_confirmation.html",
            {
                "booking": booking,
                "slot": booking.slot,
                "clinic": booking.slot.clinic,
                "breadcrumbs": _crumbs((_("Confirmation"), "")),
            },
        )


@method_decorator(never_cache, name="dispatch")
class CancelView(View):
    """The signed link from the e-mail: shows the booking, then cancels on POST."""

    template_name = "booking/booking_cancel.html"

    def booking_for(self, token):
        booking_id = booking_from_token(token)
        return booking_get_for_patient(booking_id=booking_id) if booking_id else None

    def respond(self, request, booking, **extra):
        context = {
            "breadcrumbs": _crumbs((_("Cancel"), "")),
            "booking": booking,
            **extra,
        }
        if booking is not None:
            clinic = booking.slot.clinic
            policy = ClinicBookingPolicy.for_clinic(clinic)
            context.update(
                clinic=clinic,
                slot=booking.slot,
                too_late=policy.too_late_to_cancel(
                    booking.slot.starts_at, timezone.now()
                ),
                cutoff_hours=policy.cancel_cutoff_hours,
            )
        status = 404 if booking is None else 200
        return render(request, self.template_name, context, status=status)

    def get(self, request, token):
        return self.respond(request, self.booking_for(token))

    def post(self, request, token):
        booking = self.booking_for(token)
        if booking is None or not booking.is_active:
            return self.respond(request, booking)
        try:
            booking_cancel(booking_id=booking.pk)
        except BookingError as error:
            return self.respond(request, booking, error=error.message)
        return self.respond(
            request, booking_get_for_patient(booking_id=booking.pk), cancelled=True
        )
