from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NemusSiteConfig(AppConfig):
    name = "nemus_site"
    verbose_name = "NEMUS"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from nemus_site.models import RateLimitCounter
        from nemus_site.page_cache import content_changed, public_content

        post_save.connect(content_changed, dispatch_uid="public-pages-save")
        post_delete.connect(content_changed, dispatch_uid="public-pages-delete")
        # The site's own pages and redirects show; rate-limit counters never do.
        public_content(self, never=[RateLimitCounter])


class NemusAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with our site class (an optional second factor)."""

    default = False
    default_site = "nemus_site.admin_site.NemusAdminSite"
