import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from booking.selectors import (
    clinics_annotate_next_open,
    clinics_open_to_new_patients,
    next_open_kept,
    price_list_get,
)
from clinics import hours
from clinics.forms import ClinicSearchForm, ClinicSearchPageMixin
from clinics.models import LANGUAGE_NAMES, PRACTITIONER_LANGUAGES, Profession
from clinics.selectors import (
    NEEDS,
    clinic_get,
    map_markers,
    map_settings,
    profession_facts_get,
)
from nemus_site.fragments import edits_fragment, times_fragment
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
CARD_PARTS = ("heading", "address", "access", "actions")


@dataclass(frozen=True, slots=True)
class FinderEntry:
    """One clinic in the finder's list: its kept facts and card parts, and what
    changes by the minute."""

    clinic: object
    card: dict
    distance_km: float | None
    open_now: bool
    today_hours: str
    next_open: object  # the first free time (booking.selectors.FirstOpen), or None
    open_to_new: bool = False  # a new patient's appointment is open online


@dataclass(frozen=True)
class FinderFacts:
    """The clinic directory and every clinic's card parts, the open/closed badge,
    the empty search form and the map of every clinic: what changes only when
    staff edit. Built whole for one language (finder_facts), never changed
    afterwards: kept per worker until the next edit (nemus_site/fragments.py)."""

    directory: object  # clinics.selectors.ClinicDirectory
    cards: Mapping[int, Mapping[str, str]]  # clinic id -> card part -> HTML
    status: Mapping[bool, str]  # open now? -> the badge (components/open_now.html)
    default_parts: Mapping[str, str]  # the finder without a search: form and map
    profession_facts: Mapping[str, list]  # profession -> what it can do (sourced)
    # clinic id -> its map marker as JSON, escaped as json_script escapes it
    marker_json: Mapping[int, str]


def _rendered(template, context) -> str:
    return mark_safe(render_to_string(template, context).strip())  # escaped there


def clinic_access(clinic) -> list:
    """What a clinic has of the finder's access filters, named."""
    return [label for label, has in NEEDS.values() if has(clinic)]


def clinic_languages(practitioners) -> list:
    """The languages its practitioners speak, named, in the list's order."""
    spoken = {code for p in practitioners for code in p.languages}
    return [name for code, name in PRACTITIONER_LANGUAGES if code in spoken]


def finder_facts(directory) -> FinderFacts:
    """The finder's facts for `directory` (ClinicSearchPageMixin.clinic_directory:
    with each clinic's booking policy, as the next open times need it)."""
    facts = profession_facts_get()
    cards = {
        clinic.pk: MappingProxyType(
            {
                **{
                    part: _rendered(
                        "clinics/_clinic_card.html",
                        {
                            "clinic": clinic,
                            "part": part,
                            "access": clinic_access(clinic),
                            "languages": clinic_languages(clinic.practitioners.all()),
                        },
                    )
                    for part in CARD_PARTS
                },
                "booking_url": reverse("booking:clinic", args=[clinic.slug]),
            }
        )
        for clinic in directory.clinics
    }
    map_context = {
        "markers": [directory.markers[c.pk] for c in directory.clinics],
        "map_settings": map_settings(),
        "map_id": "clinic-map",
        "json_id": "clinic-map-markers",
        "label": _("Map of the clinics in the list"),
    }
    form_context = {
        "form": ClinicSearchForm(),
        "action": reverse("clinics:list"),
        "show_position": True,
        "show_filters": True,
        "profession_facts": facts,
    }
    default_parts = {
        "form_html": render_to_string("clinics/_finder_form.html", form_context),
        # A search with nothing chosen but the place: the form after its query.
        "form_rest_html": mark_safe(  # escaped by the template
            render_to_string("clinics/_finder_form_rest.html", form_context)
        ),
        "map_html": render_to_string("clinics/_map.html", map_context),
        # A search's map: the same box, its own markers.
        "map_box": _rendered("clinics/_map.html", {**map_context, "box_only": True}),
    }
    return FinderFacts(
        directory=directory,
        cards=MappingProxyType(cards),
        status=MappingProxyType(
            {
                is_open: _rendered("components/open_now.html", {"open": is_open})
                for is_open in (True, False)
            }
        ),
        default_parts=MappingProxyType(default_parts),
        profession_facts=MappingProxyType(facts),
        marker_json=MappingProxyType(
            {
                pk: json.dumps(marker, cls=DjangoJSONEncoder).translate(JSON_ESCAPES)
                for pk, marker in directory.markers.items()
            }
        ),
    )


# json_script's escapes: the data can never close the script element.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def markers_script(facts: FinderFacts, clinics) -> str:
    """json_script of the clinics' map markers, in their order (nearest first:
    the map's keyboard order), joined from each clinic's kept JSON: the same
    bytes as `markers|json_script:"clinic-map-markers"`."""
    return mark_safe(  # each marker's JSON is escaped above
        '<script id="clinic-map-markers" type="application/json">['
        + ", ".join(facts.marker_json[clinic.pk] for clinic in clinics)
        + "]</script>"
    )


def only_the_place(form) -> bool:
    """Whether a search chose nothing but its place (`?q=`, or a position): then
    its form after the query field is the empty form's, kept with the facts. A
    filter the form was given a value for (clinics.forms.known_filters leaves out
    those the site does not know), or an error there, is rendered for the
    request."""
    names = ClinicSearchForm.QUERY_NAMES
    return not any(
        form.data.getlist(names[name]) or form[name].errors
        for name in ("profession", "needs", "language", "new_patient")
    )


def finder_day(facts: FinderFacts, day) -> Mapping[int, tuple]:
    """Every clinic's open intervals on `day` and their description
    (hours.day_facts): kept per worker, language and day until the next edit."""
    return MappingProxyType(
        {clinic.pk: hours.day_facts(clinic, day) for clinic in facts.directory.clinics}
    )


class ClinicListView(ClinicSearchPageMixin, PublicPageMixin, TemplateView):
    """The finder: the list is the page; the map only adds to it."""

    page_groups = (EDITS, TIMES)  # next open time, open times
    query_keys = ClinicSearchPageMixin.query_keys
    template_name = "clinics/clinic_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        language = translation.get_language()
        directory = self.clinic_directory()
        facts = edits_fragment(
            request, ("finder", language), lambda: finder_facts(directory)
        )
        form, origin, profession = self.clinic_search()
        chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
        rest_html = ""
        if form.is_bound and only_the_place(form):
            rest_html = facts.default_parts["form_rest_html"]
        needs, spoken = chosen.get("needs", []), chosen.get("language", "")
        everyone = facts.directory.nearest(
            origin=origin, profession=profession, needs=needs, language=spoken
        )
        show_all = request.GET.get("alle") == "1"
        shown = everyone if show_all else everyone[:FINDER_PAGE_SIZE]
        # The clinics are shared by every request: what changes goes beside them.
        next_open = next_open_kept(request, clinics=[clinic for clinic, _d in shown])
        # Whether a new patient's time is open: found for every clinic at once,
        # once per booking (or minute) in each worker.
        open_to_new = times_fragment(
            request,
            ("open-to-new",),
            lambda: frozenset(
                clinics_open_to_new_patients(clinics=facts.directory.clinics)
            ),
        )
        now = hours.local_now()
        days = edits_fragment(
            request,
            ("finder-day", language, now.date()),
            lambda: finder_day(facts, now.date()),
        )
        entries = []
        for clinic, distance in shown:
            intervals, today = days[clinic.pk]
            entries.append(
                FinderEntry(
                    clinic,
                    facts.cards[clinic.pk],
                    distance,
                    hours.open_at(intervals, now),
                    today,
                    next_open.get(clinic.pk),
                    clinic.pk in open_to_new,
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
            filter_labels=[NEEDS[need][0] for need in needs]
            + ([LANGUAGE_NAMES[spoken]] if spoken else []),
            profession_facts=facts.profession_facts,
            postcodes_available=facts.directory.postcodes_available,
            markers_script=markers_script(facts, [clinic for clinic, _d in everyone]),
            map_box=facts.default_parts["map_box"],
            # No search: the form and the map as they always are.
            default_parts=facts.default_parts if not form.is_bound else None,
            form_rest_html=rest_html,
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
        # Told as it is: a new patient can book online here now, or not.
        clinic.open_to_new = clinic.pk in times_fragment(
            self.request,
            ("open-to-new", clinic.pk),
            lambda: frozenset(clinics_open_to_new_patients(clinics=[clinic])),
        )
        practitioners = list(clinic.practitioners.all())
        price_list = price_list_get(
            clinic=clinic, practitioners=practitioners, day=now.date()
        )
        facts = profession_facts_get({p.profession for p in practitioners})
        upcoming = [
            closure
            for closure in clinic.closures.all()
            if closure.ends_on >= now.date()
        ][:5]
        context.update(
            clinic=clinic,
            week=hours.week_rows(clinic, now.date()),
            closures=upcoming,
            price_list=price_list,
            profession_facts=facts,
            markers=map_markers([clinic]),
            map_settings=map_settings(),
            structured_data=self.structured_data(clinic, price_list),
            breadcrumbs=[
                (_("Home"), reverse("home")),
                (_("Clinics"), reverse("clinics:list")),
                (clinic.name, ""),
            ],
        )
        return context

    def structured_data(self, clinic, price_list):
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
            "isAcceptingNewPatients": clinic.open_to_new,
            "amenityFeature": [
                {
                    "@type": "LocationFeatureSpecification",
                    "name": str(label),
                    "value": has(clinic),
                }
                for label, has in NEEDS.values()
            ],
            "employee": [
                {
                    "@type": "Person",
                    "name": p.name,
                    "jobTitle": p.get_profession_display(),
                    "knowsLanguage": p.languages,
                }
                for p in clinic.practitioners.all()
            ],
            "makesOffer": [
                {
                    "@type": "Offer",
                    "itemOffered": {"@type": "Service", "name": row.kind.name},
                    "price": row.kind.price,
                    "priceCurrency": "NOK",
                }
                for row in price_list
            ],
        }
