from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import pgettext_lazy

from booking import urls as booking_urls
from clinics import urls as clinics_urls
from clinics.sitemaps import ClinicSitemap
from conditions import urls as conditions_urls
from conditions.sitemaps import ConditionSitemap
from nemus_site import views
from nemus_site.models import Page
from nemus_site.sitemaps import NamedViewSitemap, PageSitemap

SITEMAPS = {
    "views": NamedViewSitemap(
        names=("home", "conditions:index", "clinics:list", "booking:index")
    ),
    "pages": PageSitemap,
    "conditions": ConditionSitemap,
    "clinics": ClinicSitemap,
}

page_patterns = [
    path(
        pgettext_lazy("url", "privacy/"),
        views.PageView.as_view(key=Page.Key.PRIVACY),
        name=Page.Key.PRIVACY,
    ),
    path(
        pgettext_lazy("url", "accessibility/"),
        views.PageView.as_view(key=Page.Key.ACCESSIBILITY),
        name=Page.Key.ACCESSIBILITY,
    ),
    path(
        pgettext_lazy("url", "businesses/"),
        views.PageView.as_view(key=Page.Key.BUSINESSES),
        name=Page.Key.BUSINESSES,
    ),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Uploaded photos from the local folder; with another storage (S3, say) it serves
    # them itself.
    urlpatterns.append(path("media/<path:path>", views.media, name="media"))

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path(conditions_urls.URL_PREFIX, include("conditions.urls")),
    path(clinics_urls.URL_PREFIX, include("clinics.urls")),
    path(booking_urls.URL_PREFIX, include("booking.urls")),
    path("", include((page_patterns, "pages"))),
    path(
        pgettext_lazy("url", "components/"),
        views.ComponentsView.as_view(),
        name="components",
    ),
    prefix_default_language=False,
)
