from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Booking")

    def ready(self):
        from booking.selectors import email_outbox_health
        from nemus_site import health

        health.register("e-mail outbox", email_outbox_health)

        from booking.admin_book import conflicts_notice
        from nemus_site.admin_site import front_page_notice

        front_page_notice(conflicts_notice)
