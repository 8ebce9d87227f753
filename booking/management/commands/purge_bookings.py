from django.conf import settings
from django.core.management.base import BaseCommand

from booking.services import bookings_purge


class Command(BaseCommand):
    """Delete bookings a set number of days after the appointment (daily)."""

    help = "Delete old bookings and their personal data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.BOOKING_RETENTION_DAYS,
            help="Days after the appointment (BOOKING_RETENTION_DAYS).",
        )

    def handle(self, *args, days, **options):
        deleted = bookings_purge(older_than_days=days)
        self.stdout.write(f"Deleted {deleted} bookings older than {days} days.")
