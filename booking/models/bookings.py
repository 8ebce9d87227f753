"""Bookings: their references, keys and statuses."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from booking.models.prices import ClinicPrice
from booking.models.schedules import AppointmentType
from booking.models.slots import Slot
from clinics.models import Practitioner

REFERENCE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
REFERENCE_LENGTH = 6


def new_booking_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_row_key() -> str:
    """A random value a row keeps for life (96 bits), which the links, calendar
    files and access records about it carry: a restored backup reuses ids, never
    these, so a link made for one booking can never open another."""
    return secrets.token_urlsafe(12)


def row_key_field():
    return models.CharField(
        max_length=16, unique=True, default=new_row_key, editable=False
    )


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not attend")


# A booking that holds its slot (the constraints below and SlotQuerySet.open). A
# no-show is kept out, as a cancellation is: it is marked once the time has begun,
# so its slot can never be booked again anyway.
ACTIVE_STATUSES = [BookingStatus.CONFIRMED.value, BookingStatus.ATTENDED.value]
# The bookings the appointment book shows in their time.
SHOWN_STATUSES = [*ACTIVE_STATUSES, BookingStatus.NO_SHOW.value]


class Booking(models.Model):
    """One patient in one slot. A cancelled booking keeps its row, not personal data."""

    Status = BookingStatus
    ACTIVE_STATUSES = ACTIVE_STATUSES

    class Channel(models.TextChoices):
        WEB = "web", _("Online")
        PHONE = "phone", _("Phone or desk")

    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("time")
    )
    key = row_key_field()
    reference = models.CharField(
        _("reference"),
        max_length=REFERENCE_LENGTH,
        unique=True,
        default=new_booking_reference,
        editable=False,
        help_text=_("What the patient and staff call the booking; never personal."),
    )
    # A course booked at once (booking_series_create): the same value on each, so
    # its one message lists them all. Blank for a booking on its own.
    series = models.CharField(_("series"), max_length=16, blank=True, db_index=True)
    # Copies of the slot's practitioner and times, set by the services that book and
    # move: on PostgreSQL an exclusion constraint over them keeps one practitioner's
    # active bookings from overlapping (migration 0004).
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("practitioner"),
    )
    starts_at = models.DateTimeField(_("starts"), null=True, editable=False)
    ends_at = models.DateTimeField(_("ends"), null=True, editable=False)
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, verbose_name=_("appointment type")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED
    )
    channel = models.CharField(
        _("booked"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_new_patient = models.BooleanField(_("new patient"), default=True)
    privacy_notice_read = models.BooleanField(_("privacy notice read"), default=False)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nb"
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # The calendar file's SEQUENCE: one more at each move, so a patient's calendar
    # updates the event (same UID) rather than adding a second one.
    sequence = models.PositiveIntegerField(
        _("calendar revision"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at"]
        permissions = [
            ("use_appointment_book", _("Can use the appointment book")),
        ]
        constraints = [
            # The backstop under booking_create's locked check: one active booking
            # per slot, whatever the concurrency.
            models.UniqueConstraint(
                fields=["slot"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="booking_one_active_per_slot",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=BookingStatus.CANCELLED.value)
                | models.Q(name="", phone="", email=""),
                name="booking_cancelled_keeps_no_personal_data",
            ),
        ]

    def __str__(self):
        # Never the patient's name: this string shows in admin logs and lists.
        return f"{self.reference} {self.slot}"

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def price(self) -> int:
        """The appointment's price at its clinic (the clinic's own, else the
        type's): one query, none when the type came with that clinic's prices
        (booking.selectors.appointment_types_for, as the booking form has it)."""
        kind = self.appointment_type
        if getattr(kind, "price_clinic_id", None) == self.slot.clinic_id:
            return kind.price
        own = (
            ClinicPrice.objects.filter(
                clinic_id=self.slot.clinic_id,
                appointment_type_id=self.appointment_type_id,
            )
            .values_list("price_nok", flat=True)
            .first()
        )
        return self.appointment_type.price_nok if own is None else own

    @property
    def calendar_uid(self) -> str:
        """The UID of its event in calendars: by key, which no other booking ever
        has (ids come back after a restore)."""
        return f"booking-{self.key}@nemus"
