from django.apps import AppConfig


class NemusSiteConfig(AppConfig):
    name = "nemus_site"
    verbose_name = "NEMUS"
