"""The public booking pages a patient finds times on: a clinic's day view, the
phone number and clinics nearby when nothing is open (soonest near me: soonest.py)."""

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from booking.formatting import day_labels
from booking.forms import SlotFilterForm
from booking.models import ClinicBookingPolicy
from booking.selectors import (
    appointment_types_for,
    clinics_annotate_next_open,
    slot_day_get,
    slot_list_open,
)
from booking.services import TypeNotForPatient
from booking.views.answers import (
    time_query,
    type_for_patient,
)
from clinics import hours
from clinics.models import Clinic, Practitioner
from clinics.selectors import (
    clinic_list_for_map,
    distance_km,
)
from nemus_site.fragments import (
    edits_fragment,
    times_fragment_one,
)
from nemus_site.page_cache import EDITS, TIMES, PublicPageMixin

# Further ahead than any clinic's online window.
WINDOW_MAX = dt.timedelta(days=366)


def booking_crumbs(*extra):
    return [
        (_("Home"), reverse("home")),
        (_("Book an appointment"), reverse("booking:index")),
        *extra,
    ]


def clinic_or_404(slug, *, details=True):
    """The clinic with its booking policy, and its hours, closures and staff
    unless `details` is off (the booking form: they load when a page shows them)."""
    clinics = Clinic.objects.with_details() if details else Clinic.objects.all()
    clinic = clinics.select_related("booking_policy").filter(slug=slug).first()
    if clinic is None:
        raise Http404("No such clinic")
    return clinic


def fallback_context(clinic, *, now=None):
    """What the page offers when no appointment is open: the phone, today's hours, and
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


def clinic_for_slots(slug):
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


def day_view_facts(slug) -> DayViewFacts:
    """Built whole, never changed afterwards: every request of the worker shares
    it (the empty form is rendered here in each language)."""
    clinic = clinic_for_slots(slug)
    practitioners = list(clinic.practitioners.all())
    types = appointment_types_for(
        professions={p.profession for p in practitioners}, clinic=clinic
    )
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


def _fields_as_empty(request, form) -> bool:
    """Whether the filter's visible fields look as the empty form's: nothing
    chosen in them (a tapped day, `?dag=` and `?uke=`, chooses none) and no error
    on them. A value sent empty is not "nothing": its select shows it chosen."""
    if not form.is_bound:
        return True
    return not any(
        SlotFilterForm.QUERY_NAMES[field.name] in request.GET or field.errors
        for field in form.visible_fields()
    )


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
        else appointment_types_for(
            professions={p.profession for p in practitioners}, clinic=clinic
        )
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
        del form.fields["new_patient"]
    choice = form.choices() if form.is_bound else dict(NO_CHOICE)
    new_patient = choice.pop("new_patient", None)
    if fixed_type is not None:
        choice["appointment_type"] = fixed_type
    # "First time with us?" answered: only times where a type meant for the
    # patient fits and is offered (the one such type, as if chosen).
    for_patient = type_for_patient(types, new_patient)
    chosen_type = choice["appointment_type"]  # by the patient, not implied
    if fixed_type is None and new_patient is not None:
        if chosen_type is not None and not chosen_type.is_for(new_patient):
            form.add_error(
                "appointment_type",
                TypeNotForPatient(chosen_type, new_patient=new_patient).message,
            )
            choice["appointment_type"] = None
        if choice["appointment_type"] is None:
            choice["appointment_type"] = for_patient
    day = slot_day_get(
        clinic=clinic,
        now=now,
        practitioners=practitioners,
        # The first time and the strip's counts, the same for every day tapped.
        keep=lambda key, build: times_fragment_one(request, key, build),
        **choice,
    )
    filtered = any(choice[name] for name in ("profession", "practitioner_id")) or (
        fixed_type is None and chosen_type
    )
    this_day = {"day": day.day and day.day.isoformat(), "weeks": day.weeks}
    filter_fields_html = ""
    if facts is not None and fixed_type is None and _fields_as_empty(request, form):
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
        "type_query": time_query(
            choice["appointment_type"] if fixed_type is None else None, new_patient
        ),
        "new_patient": new_patient,
        "for_patient": for_patient,
        "new_patient_urls": {
            "yes": form.query(new_patient="1", **this_day),
            "no": form.query(new_patient="0", **this_day),
            "unsaid": form.query(new_patient=None, appointment_type=None, **this_day),
        },
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
    query_keys = tuple(SlotFilterForm.QUERY_NAMES.values())

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
            self.request, ("day-view", slug), lambda: day_view_facts(slug)
        )
        clinic = copy.copy(facts.clinic)  # shared by every request: annotate a copy
        context.update(
            day_view_context(
                self.request,
                clinic,
                time_prefix=reverse("booking:clinic", args=[clinic.slug]),
                facts=facts,
            ),
            breadcrumbs=booking_crumbs((clinic.name, "")),
        )
        return context
