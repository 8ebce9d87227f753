"""The outbox: e-mails and SMS to patients, kept until sent or given up."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from booking.models.bookings import Booking


class BookingMessage(models.Model):
    """An outbox row, e-mail or SMS: sent after the commit that queued it; when it
    was sent, how often it was tried and why it failed (never a personal detail)."""

    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True


class BookingEmail(BookingMessage):
    """An e-mail about a booking; failures are kept and retried."""

    MAX_ATTEMPTS = 5

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        REMINDER = "reminder", _("Reminder")
        CANCELLED = "cancelled", _("Cancelled by the clinic")
        PATIENT_CANCELLED = "patient_cancel", _("Cancelled by the patient")
        SERIES = "series", _("A course booked by the clinic")
        MOVED = "moved", _("Moved by the clinic")
        CHANGED = "changed", _("Changed by the patient")
        CLINIC_NOTICE = "clinic_notice", _("Notice to the clinic")

    booking = models.ForeignKey(
        Booking,
        on_delete=models.CASCADE,
        related_name="emails",
        verbose_name=_("booking"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The patient's address, kept here until the message is sent or given up
    # (a cancellation's e-mail goes after the booking has forgotten it), then
    # erased. Empty for the clinic's notice (its address is the clinic's).
    to = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("booking e-mail")
        verbose_name_plural = _("booking e-mails")
        indexes = [models.Index(fields=["sent_at", "attempts"], name="email_unsent")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.booking_id}"


class SmsMessage(BookingMessage):
    """An outbox row sent at most once: `key` names the message to the backend,
    `claimed_at` is set while one process sends it (no other sends it meanwhile),
    and `uncertain` marks a send whose answer never came, which is never repeated
    automatically."""

    key = models.CharField(max_length=32, unique=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    uncertain = models.BooleanField(default=False)
    given_up = models.BooleanField(default=False)
    provider_id = models.CharField(max_length=64, blank=True)
    segments = models.PositiveSmallIntegerField(default=0)

    log_name = "message"  # what the log calls it (never its contents)

    class Meta:
        abstract = True


class BookingSms(SmsMessage):
    """An SMS about a booking, sent after commit like the e-mails. The number is
    kept here until it is sent (a cancellation's SMS goes after the booking has
    forgotten it), then erased."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        REMINDER = "reminder", _("Reminder")
        CHANGED = "changed", _("Changed by the patient")
        MOVED = "moved", _("Moved by the clinic")
        CANCELLED = "cancelled", _("Cancelled")
        SERIES = "series", _("A course booked by the clinic")

    booking = models.ForeignKey(
        Booking,
        on_delete=models.CASCADE,
        related_name="sms_messages",
        verbose_name=_("booking"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    to = models.CharField(_("mobile number"), max_length=20, blank=True)

    log_name = "booking sms"

    class Meta:
        verbose_name = _("booking SMS")
        verbose_name_plural = _("booking SMS")
        indexes = [models.Index(fields=["sent_at", "attempts"], name="sms_unsent")]

    def __str__(self):
        return f"SMS {self.get_kind_display()} #{self.booking_id}"
