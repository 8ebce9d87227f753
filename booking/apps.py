from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Booking")

    def ready(self):
        from django.core import checks

        from booking.outside.sms import sms_backend_check

        checks.register(sms_backend_check)

        from booking.selectors import email_outbox_health
        from nemus_site import health

        health.register("e-mail outbox", email_outbox_health)

        from booking.admin.conflicts import conflicts_notice
        from nemus_site.admin_site import front_page_notice

        front_page_notice(conflicts_notice)

        from booking import models
        from nemus_site.page_cache import public_content

        # Times change with bookings and calendars; the outbox, the waiting list,
        # staff and feeds show on no public page; the rest (types, policies,
        # schedules) are staff edits.
        public_content(
            self,
            times=[models.Slot, models.Booking, models.BusyTime],
            never=[
                models.BookingEmail,
                models.BookingSms,
                models.BookingAccess,
                models.ClinicStaff,
                models.WaitlistEntry,
                models.WaitlistOpening,
                models.WaitlistOffer,
                models.WaitlistMessage,
                models.BusyCalendar,
                models.CalendarFeed,
                models.CalendarFeedFetch,
            ],
        )
