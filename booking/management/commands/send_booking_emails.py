from django.core.management.base import BaseCommand

from booking.services import emails_send, reminders_queue


class Command(BaseCommand):
    """Queue tomorrow's reminders, then send every unsent booking e-mail, retrying
    earlier failures. Meant to run on a schedule, e.g. every 10 minutes."""

    help = "Send booking reminders and retry failed booking e-mails."

    def handle(self, *args, **options):
        queued = reminders_queue()
        sent, failed = emails_send()
        self.stdout.write(
            f"Reminders queued: {queued}. Sent: {sent}. Failed: {failed}."
        )
