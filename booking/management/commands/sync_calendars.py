from django.core.management.base import BaseCommand

from booking.services import busy_calendars_sync


class Command(BaseCommand):
    """Read every active practitioner's own calendar and withdraw (or reopen) the
    open times it makes busy (or free). A calendar that fails keeps its last good
    reading and is tried again on the next run. Meant to run on a schedule, e.g.
    every 15 minutes."""

    help = "Read practitioners' calendars and withdraw the times they are busy."

    def handle(self, *args, **options):
        totals = busy_calendars_sync()
        self.stdout.write(
            f"Calendars read: {totals['calendars']}, failed: {totals['failed']}. "
            f"Times withdrawn: {totals['withdrawn']}, reopened: {totals['reopened']}."
        )
