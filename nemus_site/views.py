from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve, reverse
from django.utils.decorators import method_decorator
from django.utils.text import get_text_list
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from django.views.static import serve as static_serve

from clinics.models import PROFESSION_PLURALS, Profession
from clinics.selectors import clinic_list_with_profession, profession_coverage
from nemus_site import health, privacy, privacy_summary
from nemus_site.forms import ComponentDemoForm
from nemus_site.models import Page
from nemus_site.page_cache import PublicPageMixin


class HomeView(PublicPageMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organization"] = {
            "@context": "https://schema.org",
            "@type": "MedicalOrganization",
            "name": "NEMUS",
            "url": self.request.build_absolute_uri(reverse("home")),
            "medicalSpecialty": "https://schema.org/Musculoskeletal",
        }
        # What the lead may claim about professions comes from the clinics' staff.
        coverage = profession_coverage()
        context["clinic_count"] = coverage.clinic_count
        context["professions_everywhere"] = _profession_list(coverage.everywhere)
        context["professions_somewhere"] = _profession_list(coverage.somewhere)
        return context


def _profession_list(professions) -> str:
    """'chiropractors, doctors and physiotherapists' in the reader's language."""
    return get_text_list(
        [str(PROFESSION_PLURALS[profession]) for profession in professions],
        gettext("and"),
    )


class PageView(PublicPageMixin, TemplateView):
    """One of the staff-edited pages (privacy, accessibility, ...), by its key."""

    template_name = "pages/page_detail.html"
    key = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = get_object_or_404(Page, key=self.key)
        context["page"] = page
        if page.key == Page.Key.PRIVACY:
            context["controller"] = privacy.controller_facts()
            context["processors"] = privacy.processor_facts()
            context["processings"] = privacy.processings()
            context["privacy_short"] = privacy_summary.summary_facts()
            context["staff_processings"] = privacy.staff_processings()
            context["rights_contact"] = privacy_summary.rights_contact()
        if page.key == Page.Key.BUSINESSES:
            # "Our physiotherapists visit the workplace": the clinics that have them.
            context["physiotherapy_clinics"] = clinic_list_with_profession(
                profession=Profession.PHYSIOTHERAPIST
            )
        context["breadcrumbs"] = [(_("Home"), reverse("home")), (page.title, "")]
        return context


@method_decorator(staff_member_required, name="dispatch")
class ComponentsView(TemplateView):
    """Every component with example parameters, for staff and developers to look at."""

    template_name = "pages/components.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ComponentDemoForm(data={"name": "", "phone": "12"})
        form.is_valid()
        context["demo_form"] = form
        context["demo_hours"] = [
            {
                "label": pgettext_lazy("weekday", "Monday"),
                "value": "08.00–16.00",
                "is_today": False,
            },
            {
                "label": pgettext_lazy("weekday", "Tuesday"),
                "value": "08.00–20.00",
                "is_today": True,
            },
            {
                "label": pgettext_lazy("weekday", "Saturday"),
                "value": _("Closed"),
                "is_today": False,
            },
        ]
        context["demo_breadcrumbs"] = [
            (_("Home"), reverse("home")),
            (_("Components"), ""),
        ]
        return context


def csrf_failure(request, reason=""):
    """A plain page in the page's language when a form's CSRF check fails; 405 when
    the page takes no such method at all (PUT, PATCH, DELETE on a page that only
    shows), which the CSRF check would otherwise answer first."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        view = None
    view_class = getattr(view, "view_class", None)
    if view_class is not None and not hasattr(view_class, request.method.lower()):
        allowed = [
            method.upper()
            for method in view_class.http_method_names
            if hasattr(view_class, method)
        ]
        return HttpResponseNotAllowed(allowed)
    return render(request, "403_csrf.html", status=403)


@require_GET
def media(request, path):
    """Uploaded files from MEDIA_ROOT (only routed when media are stored locally)."""
    return static_serve(request, path, document_root=settings.MEDIA_ROOT)


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not. With ?full=1
    (from 127.0.0.1 or with the health token): every dependency, 503 if one fails."""
    if request.GET.get("full"):
        return _healthz_full(request)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


def _healthz_full(request):
    if not health.allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    results = health.run_checks()
    healthy = all(result.ok for result in results)
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            "checks": {r.name: {"ok": r.ok, "detail": r.detail} for r in results},
        },
        status=200 if healthy else 503,
    )


@require_GET
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
        "",
        f"Sitemap: {sitemap_url}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
