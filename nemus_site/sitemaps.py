from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from nemus_site.models import Page


class I18nSitemap(Sitemap):
    """Every URL in both languages, each with its hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


class StaticViewSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return ["home"]

    def location(self, item):
        return reverse(item)


class PageSitemap(I18nSitemap):
    changefreq = "yearly"

    def items(self):
        return Page.objects.order_by("key")

    def lastmod(self, page):
        return page.updated_at


SITEMAPS = {"pages": StaticViewSitemap, "info": PageSitemap}
