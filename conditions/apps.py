from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConditionsConfig(AppConfig):
    name = "conditions"
    verbose_name = _("Conditions")

    def ready(self):
        from nemus_site.page_cache import public_content

        # Every model of this app shows on public pages, changed by staff edits.
        public_content(self)
