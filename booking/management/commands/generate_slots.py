from django.core.management.base import BaseCommand
from django.utils import timezone

from booking.services import slots_generate


class Command(BaseCommand):
    """Make the slots of every weekly schedule for a rolling window. Idempotent:
    meant to run every night (docs/operations.md)."""

    help = "Generate open slots from the weekly schedules."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=56, help="Days ahead (56).")

    def handle(self, *args, days, **options):
        created = slots_generate(start=timezone.localdate(), days=days)
        self.stdout.write(f"{created} new slots for the next {days} days.")
