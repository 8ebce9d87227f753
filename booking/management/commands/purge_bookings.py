import argparse
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from booking.services import (
    booking_accesses_purge,
    bookings_purge,
    calendar_feed_fetches_purge,
    waitlist_purge,
)
from nemus_site.ratelimit import rate_limits_purge

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SMS_FILE_BACKEND = "booking.outside.sms.FileBackend"
# Ten years: anything longer is a typing error, not a retention period.
MAX_DAYS = 3650


def days(value: str) -> int:
    """A number of days between 1 and MAX_DAYS; argparse reports anything else."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= number <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_DAYS} days")
    return number


class Command(BaseCommand):
    """Delete what is past its retention (daily): bookings a set number of days after
    the appointment, records of staff opening them after theirs, waiting-list
    entries past their last day or never confirmed, e-mails and SMS the file
    backends wrote, counts of calendar feed fetches, expired sessions and old
    rate-limit counters. The privacy notice
    states these figures from the same settings (nemus_site/privacy.py)."""

    help = "Delete old bookings, access records, e-mail files and sessions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=days,
            default=settings.BOOKING_RETENTION_DAYS,
            help="Days after the appointment (BOOKING_RETENTION_DAYS), 1 to 3650.",
        )
        parser.add_argument(
            "--access-days",
            type=days,
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
        entries = waitlist_purge()
        self.stdout.write(
            f"Deleted {entries} waiting-list entries past their last day or never "
            "confirmed."
        )
        files = self.purge_mail_files(days)
        self.stdout.write(f"Deleted {files} e-mail files older than {days} days.")
        texts = self.purge_sms_files(days)
        self.stdout.write(f"Deleted {texts} SMS files older than {days} days.")
        fetch_days = settings.CALENDAR_FEED_FETCH_RETENTION_DAYS
        fetches = calendar_feed_fetches_purge(older_than_days=fetch_days)
        self.stdout.write(
            f"Deleted {fetches} calendar feed fetches older than {fetch_days} days."
        )
        sessions, _by_model = Session.objects.filter(
            expire_date__lt=timezone.now()
        ).delete()
        self.stdout.write(f"Deleted {sessions} expired sessions.")
        counters = rate_limits_purge()
        self.stdout.write(f"Deleted {counters} rate-limit counters older than a day.")

    @staticmethod
    def purge_mail_files(days: int) -> int:
        """E-mails the file backend wrote (names, addresses, cancel links) go with
        the bookings they were about: by age, since a file names no booking."""
        if settings.EMAIL_BACKEND != FILE_BACKEND:
            return 0
        return purge_files(Path(settings.EMAIL_FILE_PATH), "*.log", days)

    @staticmethod
    def purge_sms_files(days: int) -> int:
        """SMS the file backend wrote (a number and a text each) go likewise."""
        if settings.SMS_BACKEND != SMS_FILE_BACKEND:
            return 0
        return purge_files(Path(settings.SMS_FILE_PATH), "*.txt", days)


def purge_files(folder: Path, pattern: str, days: int) -> int:
    """Delete the files in `folder` matching `pattern` older than `days`."""
    if not folder.is_dir():
        return 0
    cutoff = (timezone.now() - dt.timedelta(days=days)).timestamp()
    count = 0
    for file in folder.glob(pattern):
        if file.is_file() and file.stat().st_mtime < cutoff:
            file.unlink()
            count += 1
    return count
