"""The waiting list: entries, the times opened to it, the offers made and their SMS."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from booking.models.bookings import row_key_field
from booking.models.outbox import SmsMessage
from booking.models.schedules import AppointmentType
from booking.models.slots import Slot
from clinics.hours import OSLO
from clinics.models import Clinic, Practitioner, Profession

NOON = 12


class TimeOfDay(models.TextChoices):
    """When in the day a waiting-list entry wants its time (Oslo time); blank:
    any time."""

    MORNING = "morning", _("Morning (before 12.00)")
    AFTERNOON = "afternoon", _("Afternoon (from 12.00)")

    @classmethod
    def of(cls, starts_at) -> "TimeOfDay":
        """The part of the day a time starts in, in Oslo."""
        hour = starts_at.astimezone(OSLO).hour
        return cls.MORNING if hour < NOON else cls.AFTERNOON


class WaitlistEntry(models.Model):
    """A patient who wants to hear of an earlier time at a clinic (optionally with
    one practitioner or profession) up to a last day. It counts only once its
    owner has confirmed the mobile number (a code by SMS) or the e-mail address (a
    link); it is deleted when removed, past its day, or never confirmed."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
        verbose_name=_("clinic"),
    )
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("practitioner"),
    )
    profession = models.CharField(
        _("profession"), max_length=32, choices=Profession.choices, blank=True
    )
    # Only times this type fits (its professions, its length); none: any time.
    appointment_type = models.ForeignKey(
        AppointmentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appointment type"),
    )
    time_of_day = models.CharField(
        _("time of day"), max_length=12, choices=TimeOfDay, blank=True
    )
    latest_date = models.DateField(_("last day"))
    channel = models.CharField(_("contact by"), max_length=8, choices=Channel.choices)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nb"
    )
    key = row_key_field()
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # When the SMS code was sent (the code is derived from it, never stored) and
    # how many times a wrong one was tried.
    code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["confirmed_at", "pk"]
        indexes = [
            models.Index(
                fields=["clinic", "confirmed_at", "latest_date"],
                name="waitlist_queue",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(channel="sms") & ~models.Q(phone="") & models.Q(email="")
                )
                | (
                    models.Q(channel="email") & ~models.Q(email="") & models.Q(phone="")
                ),
                name="waitlist_one_contact",
            )
        ]

    def __str__(self):
        # Never the contact: this string shows in admin logs and lists.
        return f"#{self.pk} {self.clinic}"

    @property
    def contact(self) -> str:
        return self.phone if self.channel == self.Channel.SMS else self.email


class WaitlistOpening(models.Model):
    """A time that became bookable online (cancelled, moved from, reopened, new):
    offered to the waiting list once it is handled, which waits out the quiet
    hours."""

    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, related_name="+", verbose_name=_("time")
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["handled_at"], name="opening_unhandled")]

    def __str__(self):
        return f"opening #{self.slot_id}"


class WaitlistOffer(models.Model):
    """One time offered to one entry; whoever books it first has it."""

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, related_name="offers"
    )
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "slot"], name="waitlist_offer_once"
            )
        ]

    def __str__(self):
        return f"offer #{self.slot_id} to #{self.entry_id}"


class WaitlistMessage(SmsMessage):
    """A message to a waiting-list entry by its channel: the SMS code or the
    e-mail link that confirms it, or an offer. The address is the entry's (gone
    with it)."""

    class Kind(models.TextChoices):
        CODE = "code", _("Confirmation code")
        CONFIRM_LINK = "confirm_link", _("Confirmation link")
        OFFER = "offer", _("Offer of an appointment")

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, related_name="messages"
    )
    offer = models.ForeignKey(
        WaitlistOffer, on_delete=models.CASCADE, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)

    log_name = "waitlist message"

    class Meta:
        indexes = [
            models.Index(fields=["sent_at", "attempts"], name="waitlist_msg_unsent")
        ]

    def __str__(self):
        return f"{self.kind} #{self.entry_id}"
