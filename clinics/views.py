from dataclasses import dataclass

from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from booking.selectors import clinics_annotate_next_open, next_open_slot_by_clinic
from clinics import hours
from clinics.forms import ClinicSearchForm
from clinics.models import Profession
from clinics.selectors import (
    clinic_directory,
    clinic_get,
    map_markers,
    map_settings,
    origin_from_search,
)
from nemus_site.fragments import edits_fragment
from nemus_site.page_cache import EDITS, TIMES, PublicPageMixin


def annotate_today(clinics):
    """Give each clinic its hours today and whether it is open now (Oslo time)."""
    now = hours.local_now()
    for clinic in clinics:
        clinic.today_hours = hours.describe_day(clinic, now.date())
        clinic.open_now = hours.is_open_at(clinic, now)
    return clinics


# Clinics listed at once; the rest behind "show all" (the map has every one).
FINDER_PAGE_SIZE = 20
CARD_PARTS = ("heading", "address", "actions")


@dataclass(frozen=True, slots=True)
class FinderEntry:
    """One clinic in the finder's list: its kept facts and card parts, and what
    changes by the minute."""

    clinic: object
    card: dict
    distance_km: float | None
    open_now: bool
    today_hours: str
    next_open: object  # the first free time, or None


class FinderFacts:
    """The clinic directory and each clinic's card parts that change only when
    staff edit, rendered the first time a clinic is listed: kept per worker and
    language until the next edit (nemus_site/fragments.py)."""

    def __init__(self):
        # With each clinic's booking policy: the next open times need it.
        self.directory = clinic_directory(related=["booking_policy"])
        self.cards: dict[int, dict] = {}
        self._default_parts = None
        self.days: dict[tuple, tuple] = {}
        self.days_of = None
        # The open/closed badge, both ways (components/open_now.html).
        self.status = {
            is_open: mark_safe(  # a template's output, escaped there
                render_to_string("components/open_now.html", {"open": is_open}).strip()
            )
            for is_open in (True, False)
        }

    def default_parts(self) -> dict:
        """The finder without a search: its empty form and its map of every clinic
        (by name), both rendered once."""
        if self._default_parts is None:
            everyone = [self.directory.markers[c.pk] for c in self.directory.clinics]
            self._default_parts = {
                "form_html": render_to_string(
                    "clinics/_finder_form.html",
                    {
                        "form": ClinicSearchForm(),
                        "action": reverse("clinics:list"),
                        "show_position": True,
                    },
                ),
                "map_html": render_to_string(
                    "clinics/_map.html",
                    {
                        "markers": everyone,
                        "map_settings": map_settings(),
                        "map_id": "clinic-map",
                        "json_id": "clinic-map-markers",
                        "label": _("Map of the clinics in the list"),
                    },
                ),
            }
        return self._default_parts

    def day(self, clinic, day) -> tuple[list, str]:
        """The clinic's open intervals on `day` and their description
        (hours.day_facts), worked out once a day (only today's are kept)."""
        if self.days_of != day:
            self.days, self.days_of = {}, day
        found = self.days.get((clinic.pk, day))
        if found is None:
            found = self.days[clinic.pk, day] = hours.day_facts(clinic, day)
        return found

    def card(self, clinic) -> dict:
        card = self.cards.get(clinic.pk)
        if card is None:
            card = self.cards[clinic.pk] = {
                part: mark_safe(  # a template's output, escaped there
                    render_to_string(
                        "clinics/_clinic_card.html", {"clinic": clinic, "part": part}
                    ).strip()
                )
                for part in CARD_PARTS
            }
            card["booking_url"] = reverse("booking:clinic", args=[clinic.slug])
        return card


class ClinicListView(PublicPageMixin, TemplateView):
    """The finder: the list is the page; the map only adds to it."""

    page_groups = (EDITS, TIMES)  # next open time, open times
    template_name = "clinics/clinic_list.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["origin"].bad_input:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        facts = edits_fragment(
            request, ("finder", translation.get_language()), FinderFacts
        )
        form = ClinicSearchForm(request.GET or None)
        origin, profession = origin_from_search(form)
        everyone = facts.directory.nearest(origin=origin, profession=profession)
        show_all = request.GET.get("alle") == "1"
        shown = everyone if show_all else everyone[:FINDER_PAGE_SIZE]
        # The clinics are shared by every request: what changes goes beside them.
        next_open = next_open_slot_by_clinic(clinics=[clinic for clinic, _d in shown])
        now = hours.local_now()
        entries = []
        for clinic, distance in shown:
            intervals, today = facts.day(clinic, now.date())
            entries.append(
                FinderEntry(
                    clinic,
                    facts.card(clinic),
                    distance,
                    hours.open_at(intervals, now),
                    today,
                    next_open.get(clinic.pk),
                )
            )
        show_all_url = ""
        if len(shown) < len(everyone):
            query = request.GET.copy()
            query["alle"] = "1"
            show_all_url = "?" + query.urlencode()
        # The same search on the booking page: the soonest times near here.
        search = request.GET.copy()
        search.pop("alle", None)
        soonest_url = reverse("booking:index") + (
            "?" + search.urlencode() if search else ""
        )
        context.update(
            form=form,
            origin=origin,
            entries=entries,
            status=facts.status,
            clinic_count=len(everyone),
            show_all_url=show_all_url,
            soonest_url=soonest_url,
            profession_label=dict(Profession.choices).get(profession, ""),
            postcodes_available=facts.directory.postcodes_available,
            markers=[facts.directory.markers[clinic.pk] for clinic, _d in everyone],
            map_settings=map_settings(),
            # No search: the form and the map as they always are.
            default_parts=facts.default_parts() if not form.is_bound else None,
            breadcrumbs=[(_("Home"), reverse("home")), (_("Clinics"), "")],
        )
        return context


class ClinicDetailView(PublicPageMixin, TemplateView):
    page_groups = (EDITS, TIMES)  # next open time, open times
    template_name = "clinics/clinic_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clinic = clinic_get(slug=kwargs["slug"])
        if clinic is None:
            raise Http404("No such clinic")
        now = hours.local_now()
        annotate_today([clinic])
        clinics_annotate_next_open(clinics=[clinic])
        upcoming = [
            closure
            for closure in clinic.closures.all()
            if closure.ends_on >= now.date()
        ][:5]
        context.update(
            clinic=clinic,
            week=hours.week_rows(clinic, now.date()),
            closures=upcoming,
            markers=map_markers([clinic]),
            map_settings=map_settings(),
            structured_data=self.structured_data(clinic),
            breadcrumbs=[
                (_("Home"), reverse("home")),
                (_("Clinics"), reverse("clinics:list")),
                (clinic.name, ""),
            ],
        )
        return context

    def structured_data(self, clinic):
        days = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ]
        return {
            "@context": "https://schema.org",
            "@type": "MedicalClinic",
            "name": clinic.name,
            "url": self.request.build_absolute_uri(clinic.get_absolute_url()),
            "telephone": clinic.phone,
            "email": clinic.email or None,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": clinic.street_address,
                "postalCode": clinic.postcode,
                "addressLocality": clinic.town,
                "addressCountry": "NO",
            },
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": clinic.latitude,
                "longitude": clinic.longitude,
            },
            "openingHoursSpecification": [
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": f"https://schema.org/{days[row.weekday]}",
                    "opens": row.opens.strftime("%H:%M"),
                    "closes": row.closes.strftime("%H:%M"),
                }
                for row in clinic.opening_hours.all()
            ],
            "isAcceptingNewPatients": True,
        }
