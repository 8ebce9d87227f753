from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from nemus_site.models import Page


class I18nSitemap(Sitemap):
    """Every URL in both languages, each with its hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


class NamedViewSitemap(I18nSitemap):
    """Pages that are views, not stored content, listed by URL name."""

    changefreq = "weekly"

    def __init__(self, names: tuple[str, ...]):
        self.names = names

    def items(self):
        return list(self.names)

    def location(self, item):
        return reverse(item)


class PageSitemap(I18nSitemap):
    changefreq = "yearly"

    def items(self):
        return Page.objects.order_by("key")

    def lastmod(self, page):
        return page.updated_at
