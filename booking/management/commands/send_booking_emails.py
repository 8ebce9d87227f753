from django.core.management.base import BaseCommand

from booking.services import (
    emails_send,
    reminders_queue,
    sms_reminders_queue,
    sms_send,
    waitlist_messages_send,
    waitlist_offers_make,
)


class Command(BaseCommand):
    """Queue the reminders (e-mail the day before, SMS SMS_REMINDER_HOURS before),
    then send every unsent booking e-mail and SMS, retrying earlier failures; offer
    times that opened to the waiting lists (those held over the quiet hours too)
    and send their messages. Meant to run on a schedule, e.g. every 10 minutes."""

    help = "Send booking reminders and retry failed booking e-mails and SMS."

    def handle(self, *args, **options):
        queued = reminders_queue()
        sent, failed = emails_send()
        sms_queued = sms_reminders_queue()
        sms_sent, sms_failed = sms_send()
        offers = waitlist_offers_make()
        waitlist_sent, waitlist_failed = waitlist_messages_send()
        self.stdout.write(
            f"Reminders queued: {queued}. Sent: {sent}. Failed: {failed}. "
            f"SMS reminders queued: {sms_queued}. SMS sent: {sms_sent}. "
            f"SMS not sent: {sms_failed}. Waiting-list offers: {offers}. "
            f"Waiting-list messages sent: {waitlist_sent}, not sent: {waitlist_failed}."
        )
