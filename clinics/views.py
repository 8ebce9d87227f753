from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from booking.selectors import clinics_annotate_next_open
from clinics import hours
from clinics.forms import ClinicSearchForm
from clinics.models import Profession
from clinics.selectors import (
    clinic_get,
    clinic_page_nearest,
    map_markers,
    map_settings,
    origin_from_search,
    postcodes_available,
)
from nemus_site.page_cache import PublicPageMixin


def annotate_today(clinics):
    """Give each clinic its hours today and whether it is open now (Oslo time)."""
    now = hours.local_now()
    for clinic in clinics:
        clinic.today_hours = hours.describe_day(clinic, now.date())
        clinic.open_now = hours.is_open_at(clinic, now)
    return clinics


# Clinics listed at once; the rest behind "show all" (the map has every one).
FINDER_PAGE_SIZE = 20


class ClinicListView(PublicPageMixin, TemplateView):
    """The finder: the list is the page; the map only adds to it."""

    template_name = "clinics/clinic_list.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["origin"].bad_input:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ClinicSearchForm(self.request.GET or None)
        origin, profession = origin_from_search(form)
        show_all = self.request.GET.get("alle") == "1"
        shown, everyone = clinic_page_nearest(
            origin=origin,
            profession=profession,
            limit=None if show_all else FINDER_PAGE_SIZE,
        )
        clinics = clinics_annotate_next_open(clinics=annotate_today(shown))
        show_all_url = ""
        if len(shown) < len(everyone):
            query = self.request.GET.copy()
            query["alle"] = "1"
            show_all_url = "?" + query.urlencode()
        # The same search on the booking page: the soonest times near here.
        search = self.request.GET.copy()
        search.pop("alle", None)
        soonest_url = reverse("booking:index") + (
            "?" + search.urlencode() if search else ""
        )
        context.update(
            form=form,
            origin=origin,
            clinics=clinics,
            clinic_count=len(everyone),
            show_all_url=show_all_url,
            soonest_url=soonest_url,
            profession_label=dict(Profession.choices).get(profession, ""),
            postcodes_available=postcodes_available(),
            markers=map_markers(everyone),
            map_settings=map_settings(),
            breadcrumbs=[(_("Home"), reverse("home")), (_("Clinics"), "")],
        )
        return context


class ClinicDetailView(PublicPageMixin, TemplateView):
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
