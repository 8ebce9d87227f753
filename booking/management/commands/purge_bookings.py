from django.conf import settings
from django.core.management.base import BaseCommand

from booking.services import booking_accesses_purge, bookings_purge


class Command(BaseCommand):
    """Delete bookings a set number of days after the appointment, and records of
    staff opening them after theirs (daily). The privacy notice states both figures
    from the same settings (nemus_site/privacy.py)."""

    help = "Delete old bookings and their personal data, and old access records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.BOOKING_RETENTION_DAYS,
            help="Days after the appointment (BOOKING_RETENTION_DAYS).",
        )
        parser.add_argument(
            "--access-days",
            type=int,
            default=settings.BOOKING_ACCESS_RETENTION_DAYS,
            help="Days an access record is kept (BOOKING_ACCESS_RETENTION_DAYS).",
        )

    def handle(self, *args, days, access_days, **options):
        deleted = bookings_purge(older_than_days=days)
        self.stdout.write(f"Deleted {deleted} bookings older than {days} days.")
        accesses = booking_accesses_purge(older_than_days=access_days)
        self.stdout.write(
            f"Deleted {accesses} access records older than {access_days} days."
        )
