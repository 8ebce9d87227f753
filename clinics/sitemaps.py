from clinics.models import Clinic
from nemus_site.sitemaps import I18nSitemap


class ClinicSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Clinic.objects.order_by("slug")
