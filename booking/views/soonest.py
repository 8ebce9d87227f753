"""Soonest near me: the clinics nearest a search, each with its first few open
times, one tap from the booking form (/timebestilling/)."""

import copy
from types import MappingProxyType

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from booking.models import AppointmentType
from booking.selectors import next_open_kept, per_clinic_kept, soonest_kept
from booking.views.answers import (
    answer_urls,
    clinic_query,
    new_patient_answer,
    time_query,
    type_for_patient,
)
from clinics.forms import ClinicSearchPageMixin
from nemus_site.page_cache import EDITS, TIMES, PublicPageMixin

# Clinics near the search shown with their soonest times; the rest behind "all".
SOONEST_CLINICS = 5
SOONEST_TIMES = 4


class BookingStartView(ClinicSearchPageMixin, PublicPageMixin, TemplateView):
    """Soonest near me: the clinics nearest the search (postcode, place or
    position), each with its next few times, one tap from the form. Without a
    search it asks for one and lists every clinic with its next open time."""

    page_groups = (EDITS, TIMES)  # next open time, open times
    query_keys = ClinicSearchPageMixin.query_keys

    template_name = "booking/booking_start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        form, origin, profession = self.clinic_search()
        # Names, addresses and phones, from the clinics kept until the next edit.
        found = self.clinic_directory().nearest(origin=origin, profession=profession)
        show_all = request.GET.get("alle") == "1"
        shown = found if show_all or not origin.found else found[:SOONEST_CLINICS]
        # Shared by every request of the worker: the page annotates copies.
        nearest = []
        for kept, distance in shown:
            clinic = copy.copy(kept)
            clinic.distance_km = distance
            nearest.append(clinic)
        now = timezone.now()
        show_all_url = ""
        # "First time with us?" (?ny=): a new patient sees only the times the one
        # type for new patients fits.
        new_patient = new_patient_answer(request.GET)
        for_patient = None
        if new_patient is not None:
            for_patient = type_for_patient(
                AppointmentType.objects.filter(is_active=True), new_patient
            )
        profession_query = clinic_query(profession, new_patient)
        times_query = time_query(for_patient, new_patient)
        if origin.found:
            parts = soonest_parts(
                request,
                clinics=nearest,
                profession=profession,
                appointment_type=for_patient,
                queries=(profession_query, times_query),
                now=now,
            )
            for clinic in nearest:
                clinic.parts = parts[clinic.pk]
            if len(nearest) < len(found):
                query = request.GET.copy()
                query["alle"] = "1"
                show_all_url = "?" + query.urlencode()
        else:
            first = next_open_kept(
                request, clinics=nearest, appointment_type=for_patient, now=now
            )
            for clinic in nearest:
                clinic.next_open = first[clinic.pk]
        context.update(
            form=form,
            origin=origin,
            clinics=nearest,
            clinic_count=len(found),
            show_all_url=show_all_url,
            profession_query=profession_query,
            time_query=times_query,
            new_patient=new_patient,
            # A value that is not an answer: said, and asked again.
            new_patient_unknown=new_patient is None
            and bool(self.request.GET.get("ny")),
            for_patient=for_patient,
            new_patient_urls=answer_urls(self.request.GET),
            breadcrumbs=[(_("Home"), reverse("home")), (_("Book an appointment"), "")],
        )
        return context


def soonest_parts(
    request, *, clinics, profession, appointment_type, queries, now
) -> dict[int, dict]:
    """Each clinic's name and first times in the soonest list ({clinic id: {"head":
    HTML, "body": HTML}}; booking/_soonest_clinic.html), kept per clinic, choice
    and language until the next booking (or minute): only the distance is the
    search's own. `queries`: what the clinic's and the times' links add."""
    profession_query, times_query = queries

    def find(some) -> dict:
        soonest = soonest_kept(
            request,
            clinics=some,
            per_clinic=SOONEST_TIMES,
            profession=profession,
            appointment_type=appointment_type,
            now=now,
        )
        context = {"profession_query": profession_query, "time_query": times_query}
        return {
            clinic.pk: MappingProxyType(
                {
                    part: mark_safe(  # escaped by the template
                        render_to_string(
                            "booking/_soonest_clinic.html",
                            {
                                **context,
                                "clinic": clinic,
                                "soonest": soonest[clinic.pk],
                                "part": part,
                            },
                        ).strip()
                    )
                    for part in ("head", "body")
                }
            )
            for clinic in some
        }

    choice = (get_language(), profession, getattr(appointment_type, "pk", None))
    return per_clinic_kept(
        request, "soonest-html", clinics=clinics, choice=(*choice, *queries), find=find
    )
