import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from booking.calendars import feed_ical
from booking.formatting import day_labels
from booking.forms import BookingForm, SlotFilterForm, WaitlistCodeForm, WaitlistForm
from booking.links import booking_link, waitlist_link, waitlist_token
from booking.models import (
    Booking,
    CalendarFeed,
    CalendarFeedFetch,
    ClinicBookingPolicy,
    Slot,
)
from booking.selectors import (
    appointment_types_for,
    booking_get_for_patient,
    calendar_feed_events,
    clinics_annotate_next_open,
    slot_day_get,
    slot_list_open,
    soonest_slots_by_clinic,
    waitlist_entry_get,
    waitlist_offers_open,
)
from booking.services import (
    BookingError,
    ChangeTooLate,
    SlotTaken,
    WaitlistError,
    booking_cancel,
    booking_change,
    booking_create,
    waitlist_confirm,
    waitlist_join,
    waitlist_remove,
)
from clinics import hours
from clinics.forms import ClinicSearchPageMixin
from clinics.models import Clinic, Practitioner
from clinics.selectors import (
    clinic_list_for_map,
    clinic_list_nearest,
    distance_km,
)
from nemus_site.client_ip import client_ip
from nemus_site.fragments import edits_fragment
from nemus_site.page_cache import EDITS, TIMES, PublicPageMixin
from nemus_site.ratelimit import rate_limit_hit, rate_limit_key

SESSION_CONFIRMATION = "booking_confirmation"
# Further ahead than any clinic's online window.
WINDOW_MAX = dt.timedelta(days=366)


def _crumbs(*extra):
    return [
        (_("Home"), reverse("home")),
        (_("Book an appointment"), reverse("booking:index")),
        *extra,
    ]


# Clinics near the search shown with their soonest times; the rest behind "all".
SOONEST_CLINICS = 5
SOONEST_TIMES = 4


class BookingStartView(ClinicSearchPageMixin, PublicPageMixin, TemplateView):
    """Soonest near me: the clinics nearest the search (postcode, place or
    position), each with its next few times, one tap from the form. Without a
    search it asks for one and lists every clinic with its next open time."""

    page_groups = (EDITS, TIMES)  # next open time, open times

    template_name = "booking/booking_start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, origin, profession = self.clinic_search()
        # Names, addresses and phones: no hours or staff needed here.
        clinics = clinic_list_nearest(
            origin=origin, profession=profession, details=False
        )
        show_all = self.request.GET.get("alle") == "1"
        nearest = clinics if show_all or not origin.found else clinics[:SOONEST_CLINICS]
        now = timezone.now()
        show_all_url = ""
        if origin.found:
            soonest = soonest_slots_by_clinic(
                clinics=nearest,
                per_clinic=SOONEST_TIMES,
                profession=profession,
                now=now,
            )
            for clinic in nearest:
                clinic.soonest = soonest.get(clinic.pk, [])
            if len(nearest) < len(clinics):
                query = self.request.GET.copy()
                query["alle"] = "1"
                show_all_url = "?" + query.urlencode()
        else:
            clinics_annotate_next_open(clinics=nearest, now=now)
        context.update(
            form=form,
            origin=origin,
            clinics=nearest,
            clinic_count=len(clinics),
            show_all_url=show_all_url,
            profession_query=f"?yrke={profession}" if profession else "",
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


def _clinic_for_slots(slug):
    """The clinic with its policy and active practitioners: what the day view
    needs (no hours unless nothing is open)."""
    clinic = (
        Clinic.objects.select_related("booking_policy")
        .prefetch_related(
            Prefetch(
                "practitioners",
                queryset=Practitioner.objects.filter(is_active=True).order_by(
                    "profession", "name"
                ),
            )
        )
        .filter(slug=slug)
        .first()
    )
    if clinic is None:
        raise Http404("No such clinic")
    return clinic


NO_CHOICE = {
    "appointment_type": None,
    "profession": "",
    "practitioner_id": None,
    "day": None,
    "weeks": None,
    "by_practitioner": True,
}


@dataclass(frozen=True)
class DayViewFacts:
    """What the public day view shows that only staff change: the clinic with
    its policy and practitioners, the appointment types, the empty filter form's
    fields. Kept per worker until the next edit (nemus_site/fragments.py)."""

    clinic: Clinic
    types: list
    # The empty filter form's fields by language: only staff-edited choices.
    empty_filter_html: Mapping[str, str]


def _day_view_facts(slug) -> DayViewFacts:
    """Built whole, never changed afterwards: every request of the worker shares
    it (the empty form is rendered here in each language)."""
    clinic = _clinic_for_slots(slug)
    practitioners = list(clinic.practitioners.all())
    types = appointment_types_for(professions={p.profession for p in practitioners})
    earliest_day, latest_day = ClinicBookingPolicy.for_clinic(clinic).window_days(
        timezone.now()
    )
    html = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            form = SlotFilterForm(
                appointment_types=types,
                practitioners=practitioners,
                earliest_day=earliest_day,
                latest_day=latest_day,
            )
            html[language] = render_to_string(
                "booking/_filter_fields.html", {"form": form}
            )
    return DayViewFacts(clinic, types, MappingProxyType(html))


def day_view_context(
    request, clinic, *, time_prefix: str, fixed_type=None, facts=None
) -> dict:
    """What the day view template needs: the form that parses the query, the day
    the selector builds, the links between days. `time_prefix` + a slot's id is
    where a time leads (the booking form, or a change's confirmation);
    `fixed_type` is the one appointment type a change keeps; `facts`, when the
    caller has them kept (DayViewFacts), spare the types' query and the empty
    form's rendering."""
    practitioners = list(clinic.practitioners.all())
    types = (
        facts.types
        if facts is not None
        else appointment_types_for(professions={p.profession for p in practitioners})
    )
    now = timezone.now()
    policy = ClinicBookingPolicy.for_clinic(clinic)
    earliest_day, latest_day = policy.window_days(now)
    form = SlotFilterForm(
        request.GET or None,
        appointment_types=types,
        practitioners=practitioners,
        earliest_day=earliest_day,
        latest_day=latest_day,
    )
    if fixed_type is not None:
        del form.fields["appointment_type"]
    choice = form.choices() if form.is_bound else dict(NO_CHOICE)
    if fixed_type is not None:
        choice["appointment_type"] = fixed_type
    day = slot_day_get(clinic=clinic, now=now, practitioners=practitioners, **choice)
    filtered = any(choice[name] for name in ("profession", "practitioner_id")) or (
        fixed_type is None and choice["appointment_type"]
    )
    filter_fields_html = ""
    if facts is not None and not form.is_bound and fixed_type is None:
        # The empty form shows only staff-edited choices: rendered with the facts.
        filter_fields_html = facts.empty_filter_html.get(get_language(), "")
    context = {
        "clinic": clinic,
        "policy": policy,
        "filter_fields_html": filter_fields_html,
        "form": form,
        "slot_day": day,
        "appointment_type": choice["appointment_type"],
        "filtered": filtered,
        "time_prefix": time_prefix,
        "type_query": (
            f"?type={choice['appointment_type'].slug}"
            if choice["appointment_type"] and fixed_type is None
            else ""
        ),
        "strip_days": [
            (
                strip_day,
                form.query(day=strip_day.date.isoformat(), weeks=day.weeks),
                day_labels(strip_day.date),
            )
            for strip_day in day.strip
        ],
        "earlier_url": form.query(weeks=day.weeks - 1) if day.has_earlier else "",
        "later_url": form.query(weeks=day.weeks + 1) if day.has_later else "",
        "grouping_urls": {
            "practitioner": form.query(
                grouping=None, day=day.day and day.day.isoformat(), weeks=day.weeks
            ),
            "time": form.query(
                grouping=SlotFilterForm.BY_TIME,
                day=day.day and day.day.isoformat(),
                weeks=day.weeks,
            ),
        },
        "next_day_url": (
            form.query(day=day.next_day.isoformat()) if day.next_day else ""
        ),
        "first_day_url": (
            form.query(day=day.first_day.isoformat()) if day.first_day else ""
        ),
    }
    if day.first_day is None:
        context.update(fallback_context(clinic, now=now))
        if filtered:
            # Nothing for this choice; perhaps for another practitioner or type.
            context["unfiltered_first"] = slot_list_open(
                clinic=clinic, start=now, end=now + WINDOW_MAX, now=now
            ).first()
    return context


class ClinicSlotsView(PublicPageMixin, TemplateView):
    """One clinic's open times, one day at a time, under a strip of two weeks.
    The form parses the choices; the selector builds the day."""

    page_groups = (EDITS, TIMES)  # next open time, open times

    template_name = "booking/slot_list.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["form"].errors:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug = kwargs["clinic"]
        facts = edits_fragment(
            self.request, ("day-view", slug), lambda: _day_view_facts(slug)
        )
        clinic = copy.copy(facts.clinic)  # shared by every request: annotate a copy
        context.update(
            day_view_context(
                self.request,
                clinic,
                time_prefix=reverse("booking:clinic", args=[clinic.slug]),
                facts=facts,
            ),
            breadcrumbs=_crumbs((clinic.name, "")),
        )
        return context


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
        or _crumbs((clinic.name, reverse("booking:clinic", args=[clinic.slug]))),
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
    gone = _("That time can no longer be booked online.")
    if slot is None:
        status, message = 404, gone
    elif slot.bookings.filter(status__in=Booking.ACTIVE_STATUSES).exists():
        status, message = 409, SlotTaken.message
    else:
        status, message = 410, gone
    return unavailable_page(
        request, clinic, message, status, time_prefix=time_prefix, crumbs=crumbs
    )


@method_decorator(never_cache, name="dispatch")
class SlotBookView(View):
    """The short form for one open time; post/redirect/get to the confirmation."""

    template_name = "booking/booking_form.html"

    def setup_slot(self, clinic_slug, slot_id):
        clinic = _clinic_or_404(clinic_slug)
        now = timezone.now()
        slot = (
            slot_list_open(clinic=clinic, start=now, end=now + WINDOW_MAX)
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
        return refusal_page(
            request,
            clinic,
            slot_id,
            time_prefix=reverse("booking:clinic", args=[clinic.slug]),
        )

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
            return unavailable_page(
                request,
                clinic,
                error.message,
                409,
                time_prefix=reverse("booking:clinic", args=[clinic.slug]),
            )
        except BookingError as error:
            form.add_error(None, error.message)
            return self.render_form(request, clinic, slot, form, status=400)
        request.session[SESSION_CONFIRMATION] = {
            "booking": booking.pk,
            "key": booking.key,
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
        if booking is None or booking.key != stored.get("key") or not booking.is_active:
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


def _booking_for_token(token):
    """The booking a signed link names, or None when the link is forged or broken,
    the booking gone, or the row under its id another booking (a restore)."""
    link = booking_link(token)
    if link is None:
        return None
    booking = booking_get_for_patient(booking_id=link.row_id)
    return booking if link.fits(booking) else None


def _entry_for_token(token):
    """(the waiting-list entry a signed link names, whether the link went to its
    contact); (None, False) as for a booking's link."""
    link = waitlist_link(token)
    if link is None:
        return None, False
    entry = waitlist_entry_get(entry_id=link.row_id)
    return (entry, link.proof) if link.fits(entry) else (None, False)


def manage_page(request, booking, token, *, status=None, **extra):
    """The page the e-mail's link opens: the booking with its reference, "Change
    the time" and "Cancel", or what can no longer be done and the phone."""
    context = {
        "breadcrumbs": _crumbs((_("Your appointment"), "")),
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
    return _crumbs(
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
        clinic = _clinic_for_slots(booking.slot.clinic.slug)
        context = day_view_context(
            request,
            clinic,
            time_prefix=reverse("booking:change", args=[token]),
            fixed_type=booking.appointment_type,
        )
        context.update(
            changing=booking,
            token=token,
            breadcrumbs=_change_crumbs(token, (_("Change the time"), "")),
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
            crumbs=_change_crumbs(token, (_("Change the time"), "")),
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
                    (_("Change the time"), reverse("booking:change", args=[token])),
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


def _waitlist_crumbs(clinic, *extra):
    return _crumbs((clinic.name, reverse("booking:clinic", args=[clinic.slug])), *extra)


@method_decorator(never_cache, name="dispatch")
class WaitlistJoinView(View):
    """Sign up to hear of a time at a clinic; then confirm the number (a code) or
    the address (a link) on the entry's page."""

    template_name = "booking/waitlist_join.html"

    def setup_form(self, request, slug):
        clinic = _clinic_for_slots(slug)
        policy = ClinicBookingPolicy.for_clinic(clinic)
        earliest_day, latest_day = policy.window_days(timezone.now())
        form = WaitlistForm(
            request.POST or None,
            practitioners=list(clinic.practitioners.all()),
            earliest_day=earliest_day,
            latest_day=latest_day,
        )
        return clinic, policy, form

    def render_form(self, request, clinic, policy, form, status=200):
        context = {
            "clinic": clinic,
            "policy": policy,
            "form": form,
            "breadcrumbs": _waitlist_crumbs(clinic, (_("Waiting list"), "")),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, clinic):
        clinic, policy, form = self.setup_form(request, clinic)
        return self.render_form(request, clinic, policy, form)

    def post(self, request, clinic):
        clinic, policy, form = self.setup_form(request, clinic)
        if not policy.online_booking:
            return self.render_form(request, clinic, policy, form, status=400)
        if rate_limit_hit(
            key=rate_limit_key("waitlist-post", client_ip(request)),
            limit=settings.WAITLIST_SIGNUPS_PER_IP,
            window=dt.timedelta(days=1),
        ):
            form.add_error(
                None,
                _(
                    "Too many sign-ups from this connection today. Try again "
                    "tomorrow, or call the clinic."
                ),
            )
            return self.render_form(request, clinic, policy, form, status=429)
        if not form.is_valid():
            return self.render_form(request, clinic, policy, form, status=400)
        data = form.cleaned_data
        if data["website"]:
            form.add_error(None, _("The sign-up could not be sent. Call the clinic."))
            return self.render_form(request, clinic, policy, form, status=400)
        try:
            entry = waitlist_join(
                clinic=clinic,
                practitioner=data["practitioner"],
                profession=data["profession"],
                latest_date=data["latest_date"],
                channel=data["channel"],
                phone=data["phone"],
                email=data["email"],
            )
        except WaitlistError as error:
            form.add_error(None, error.message)
            return self.render_form(request, clinic, policy, form, status=429)
        token = waitlist_token(entry, proof=False)
        return redirect("booking:waitlist_entry", token=token)


@method_decorator(never_cache, name="dispatch")
class WaitlistEntryView(View):
    """A waiting-list entry's page, opened from the sign-up or any message's link:
    confirm it (the SMS code, or the e-mail's link), see the times offered, or
    take oneself off the list."""

    template_name = "booking/waitlist_entry.html"

    def render_entry(self, request, entry, token, proof, status=200, **extra):
        context = {
            "entry": entry,
            "token": token,
            "proof": proof,
            "code_form": WaitlistCodeForm(),
            "unconfirmed_hours": settings.WAITLIST_UNCONFIRMED_HOURS,
            **extra,
        }
        if entry is not None:
            clinic = entry.clinic
            context.update(
                clinic=clinic,
                offers=waitlist_offers_open(entry=entry),
                breadcrumbs=_waitlist_crumbs(clinic, (_("Waiting list"), "")),
            )
        else:
            context["breadcrumbs"] = _crumbs((_("Waiting list"), ""))
            status = 404
        return render(request, self.template_name, context, status=status)

    def get(self, request, token):
        entry, proof = _entry_for_token(token)
        return self.render_entry(
            request, entry, token, proof, joined=request.GET.get("ok") == "1"
        )

    def post(self, request, token):
        entry, proof = _entry_for_token(token)
        if entry is None:
            return self.render_entry(request, None, token, proof)
        action = request.POST.get("action")
        if action == "remove":
            waitlist_remove(entry_id=entry.pk)
            context = {
                "removed": True,
                "clinic": entry.clinic,
                "breadcrumbs": _waitlist_crumbs(entry.clinic, (_("Waiting list"), "")),
            }
            return render(request, self.template_name, context)
        if action == "code" and entry.channel == entry.Channel.SMS:
            form = WaitlistCodeForm(request.POST)
            if not form.is_valid():
                return self.render_entry(
                    request, entry, token, proof, 400, code_form=form
                )
            try:
                waitlist_confirm(entry_id=entry.pk, code=form.cleaned_data["code"])
            except WaitlistError as error:
                form.add_error("code", error.message)
                return self.render_entry(
                    request, entry, token, proof, 400, code_form=form
                )
        elif action == "confirm" and entry.channel == entry.Channel.EMAIL and proof:
            waitlist_confirm(entry_id=entry.pk)
        else:
            return self.render_entry(
                request,
                entry,
                token,
                proof,
                400,
                error=_("That could not be done. Try again from the link."),
            )
        return redirect(
            reverse("booking:waitlist_entry", kwargs={"token": token}) + "?ok=1"
        )


def calendar_feed(request, token):
    """A private feed (a long random address, no login): the bookings and blocked
    times of a practitioner or a clinic. Each fetch is counted; never cached."""
    feed = (
        CalendarFeed.objects.select_related("practitioner", "clinic")
        .filter(token=token)
        .first()
    )
    if feed is None:
        raise Http404("No such feed")
    CalendarFeedFetch.objects.create(feed=feed)
    body = feed_ical(
        calendar_feed_events(feed=feed),
        name=f"NEMUS: {feed.practitioner or feed.clinic}",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
