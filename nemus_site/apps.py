from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NemusSiteConfig(AppConfig):
    name = "nemus_site"
    verbose_name = "NEMUS"


class NemusAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with our site class (an optional second factor)."""

    default = False
    default_site = "nemus_site.admin_site.NemusAdminSite"
