from conditions.models import Condition
from nemus_site.sitemaps import I18nSitemap


class ConditionSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Condition.objects.published().order_by("pk")

    def lastmod(self, condition):
        return condition.updated_at
