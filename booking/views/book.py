"""Booking a time: the form and a refusal said clearly (the confirmation page is
booking/views/confirmation.py)."""

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from booking.forms import BookingForm
from booking.models import (
    AppointmentType,
    Booking,
    Slot,
)
from booking.selectors import (
    booking_clinic_kept,
    booking_costs_kept,
    booking_practitioners_kept,
    booking_types_kept,
    slot_list_open,
    slot_open_get,
    slots_near,
)
from booking.services import (
    BookingError,
    NoTypeForPatient,
    SlotTaken,
    booking_create,
)
from booking.views.answers import clinic_query, new_patient_answer
from booking.views.confirmation import confirmation_remember
from booking.views.public import (
    WINDOW_MAX,
    booking_crumbs,
    fallback_context,
)
from nemus_site.client_ip import client_ip
from nemus_site.fragments import clinic_store, edits_fragment_in
from nemus_site.ratelimit import rate_limit_hit, rate_limit_key


def _rate_limited(request) -> bool:
    """Booking posts from one client address in the last hour, counted in the
    database (nemus_site.ratelimit): a cache outage or cull never resets it."""
    return rate_limit_hit(
        key=rate_limit_key("booking-post", client_ip(request)),
        limit=settings.BOOKING_RATE_LIMIT,
        window=dt.timedelta(hours=1),
    )


def unavailable_page(request, clinic, message, status, *, time_prefix, crumbs=None):
    """A kind page for a time that cannot be had, with the next few that can
    (each leading to `time_prefix` + its id) or the phone when none is open."""
    context = {
        "clinic": clinic,
        "message": message,
        "time_prefix": time_prefix,
        "breadcrumbs": crumbs
        or booking_crumbs((clinic.name, reverse("booking:clinic", args=[clinic.slug]))),
        **fallback_context(clinic),
    }
    now = timezone.now()
    context["other_slots"] = list(
        slot_list_open(clinic=clinic, start=now, end=now + WINDOW_MAX)[:6]
    )
    return render(request, "booking/slot_unavailable.html", context, status=status)


def refusal_page(request, clinic, slot_id, *, time_prefix, crumbs=None):
    """A time that cannot be booked here, answered for what it is: 409 when
    someone has just booked it, 404 when this clinic has no such time, 410 when
    it has gone (past, withdrawn, outside the window)."""
    slot = Slot.objects.filter(pk=slot_id, clinic=clinic).first()
    gone = _("That appointment can no longer be booked online.")
    if slot is None:
        status, message = 404, gone
    elif slot.bookings.filter(status__in=Booking.ACTIVE_STATUSES).exists():
        status, message = 409, SlotTaken.message
    else:
        status, message = 410, gone
    return unavailable_page(
        request, clinic, message, status, time_prefix=time_prefix, crumbs=crumbs
    )


# What the patient typed, kept by the page for a time someone else took first:
# in hidden fields of its form (POST), never in the address or the session.
KEPT_FIELDS = tuple(BookingForm.field_order)
# Longer than any field takes: a forged value is cut, then refused by the form.
KEPT_LENGTH = 300


def lost_race_page(request, clinic, slot):
    """Someone else booked `slot` first: the nearest open times instead (the same
    practitioner's first, that day and the next two, where the chosen type fits),
    each a button that opens the booking form for it filled in with what the
    patient typed, kept in this page's form. Nothing is booked until they
    confirm there. 409, never stored (the view is never_cache)."""
    kept = {
        name: request.POST.get(name, "")[:KEPT_LENGTH]
        for name in KEPT_FIELDS
        if request.POST.get(name)
    }
    kind = AppointmentType.objects.filter(
        is_active=True, slug=kept.get("appointment_type", "")
    ).first()
    same, others = slots_near(slot=slot, appointment_type=kind)
    context = {
        "clinic": clinic,
        "slot": slot,
        "kept": kept,
        "same": same,
        "others": others,
        "time_prefix": reverse("booking:clinic", args=[clinic.slug]),
        "breadcrumbs": booking_crumbs(
            (clinic.name, reverse("booking:clinic", args=[clinic.slug])),
            (_("Your details"), ""),
        ),
    }
    if not same and not others:
        context.update(fallback_context(clinic))
    return render(request, "booking/slot_taken.html", context, status=409)


def prefilled_form(data, types) -> tuple[BookingForm, bool]:
    """The form for a new time, filled in with what the patient typed for the one
    taken (lost_race_page's hidden fields): each value the form accepts, not yet
    checked as an answer (no errors shown). True when a value was left out."""
    probe = BookingForm(data, appointment_types=types)
    probe.is_valid()
    initial = {}
    for name in KEPT_FIELDS:
        if name in probe.errors or name not in probe.cleaned_data:
            continue
        initial[name] = data.get(name)
    if "privacy" in initial:
        initial["privacy"] = True
    left_out = any(data.get(name) and name not in initial for name in KEPT_FIELDS)
    return BookingForm(appointment_types=types, initial=initial), left_out


# What a form not yet sent may have chosen for the patient (the type when only one
# fits, the answer to "first time with us?" given before the times): its fields
# are kept with these as the key. Anything else (a form filled in from before)
# is rendered for its request alone.
KEPT_INITIAL = {"appointment_type", "is_new_patient"}


@method_decorator(never_cache, name="dispatch")
class SlotBookView(View):
    """The short form for one open time; post/redirect/get to the confirmation."""

    template_name = "booking/booking_form.html"

    def setup_slot(self, clinic_slug, slot_id):
        # The clinic and its types are kept until the next staff edit; the time is
        # asked for every time.
        clinic = booking_clinic_kept(self.request, clinic_slug)
        if clinic is None:
            raise Http404("No such clinic")
        slot = slot_open_get(
            clinic=clinic,
            slot_id=slot_id,
            now=timezone.now(),
            practitioners=booking_practitioners_kept(self.request, clinic),
        )
        types = []
        if slot is not None:
            kinds = booking_types_kept(
                self.request, clinic=clinic, profession=slot.practitioner.profession
            )
            types = [t for t in kinds if t.fits_in(slot)]
        return clinic, slot, types

    @staticmethod
    def taken(clinic, slot_id):
        """The clinic's slot `slot_id` when someone has booked it, else None."""
        return (
            Slot.objects.filter(
                pk=slot_id,
                clinic=clinic,
                bookings__status__in=Booking.ACTIVE_STATUSES,
            )
            .select_related("clinic", "practitioner")
            .first()
        )

    def refuse(self, request, clinic, slot_id):
        return refusal_page(
            request,
            clinic,
            slot_id,
            time_prefix=reverse("booking:clinic", args=[clinic.slug]),
        )

    def render_form(self, request, clinic, slot, form, status=200, **extra):
        # "Choose another time" keeps the answer to "first time with us?": the
        # one in the link that led here, or the one on the form just sent.
        if form.is_bound:
            new_patient = getattr(form, "cleaned_data", {}).get("is_new_patient")
        else:
            new_patient = new_patient_answer(request.GET)
        practitioner = slot.practitioner
        payer = (practitioner.profession, practitioner.public_agreement)
        day = timezone.localtime(slot.starts_at).date()
        kinds = tuple(form.appointment_types.values())
        costs = booking_costs_kept(
            request, clinic=clinic, types=kinds, payer=payer, day=day
        )
        fields = {
            "form": form,
            "costs": [costs[(*payer, kind.pk)] for kind in kinds],
        }
        fields_html = None
        if not form.is_bound and set(form.initial) <= KEPT_INITIAL:
            # Not yet sent, nothing typed in it: the same fields for every patient
            # given this clinic's types and the choices already made.
            key = (
                "booking-form-fields",
                clinic.pk,
                tuple(kind.pk for kind in kinds),
                tuple(sorted(form.initial.items())),
                payer,
                day,
                translation.get_language(),
                settings.DEMO_MODE,
            )
            fields_html = edits_fragment_in(
                clinic_store,
                request,
                key,
                lambda: render_to_string("booking/_form_fields.html", fields),
            )
        return render(
            request,
            self.template_name,
            {
                "clinic": clinic,
                "slot": slot,
                **fields,
                "fields_html": fields_html,
                "other_times_url": reverse("booking:clinic", args=[clinic.slug])
                + clinic_query("", new_patient),
                **extra,
                "breadcrumbs": booking_crumbs(
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
        new_patient = new_patient_answer(request.GET)
        if new_patient is not None:
            # "First time with us?" was answered before the times: only the types
            # meant for the patient, and the answer given.
            initial["is_new_patient"] = "ny" if new_patient else "tidligere"
            types = [t for t in types if t.is_for(new_patient)]
            if not types:
                return unavailable_page(
                    request,
                    clinic,
                    NoTypeForPatient(new_patient=new_patient).message,
                    200,
                    time_prefix=reverse("booking:clinic", args=[clinic.slug]),
                )
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
            taken = self.taken(clinic, slot_id)
            if taken is not None:
                return lost_race_page(request, clinic, taken)
            return self.refuse(request, clinic, slot_id)
        if request.POST.get("prefill"):
            # A time chosen instead of one taken: the form, filled in, to confirm.
            form, left_out = prefilled_form(request.POST, types)
            return self.render_form(
                request, clinic, slot, form, prefilled=True, left_out=left_out
            )
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
        except SlotTaken:
            return lost_race_page(request, clinic, slot)
        except BookingError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            return self.render_form(request, clinic, slot, form, status=400)
        response = redirect("booking:confirmation")
        confirmation_remember(response, booking)
        return response
