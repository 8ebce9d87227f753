"""Who works where, and the log of staff access to bookings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clinics.models import Clinic


class ClinicStaff(models.Model):
    """A staff user's clinic: they see and change only its schedules and bookings."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="clinic_memberships",
        verbose_name=_("user"),
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, related_name="staff", verbose_name=_("clinic")
    )

    class Meta:
        verbose_name = _("clinic staff member")
        verbose_name_plural = _("clinic staff")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "clinic"], name="clinic_staff_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.clinic}"


class BookingAccess(models.Model):
    """Who opened which booking, and when (Normen). Holds no patient data and is
    kept after the booking is deleted."""

    # The number as staff saw it, and the row's key (Booking.key): after a restore
    # a number can name another booking, a key never does.
    booking_id = models.PositiveBigIntegerField(
        _("booking number"), db_index=True, null=True, blank=True
    )
    booking_key = models.CharField(
        _("booking key"), max_length=16, blank=True, db_index=True
    )
    waitlist_entry_id = models.PositiveBigIntegerField(
        _("waiting-list entry number"), null=True, blank=True
    )
    waitlist_entry_key = models.CharField(
        _("waiting-list entry key"), max_length=16, blank=True
    )
    clinic_id = models.PositiveBigIntegerField(_("clinic number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        verbose_name=_("user"),
    )

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CHANGE = "change", _("changed")
        DAY_LIST = "day-list", _("listed the day")
        BOOK_VIEW = "book-view", _("saw in the appointment book")
        LOOKUP = "lookup", _("found by phone number")
        WAITLIST_VIEW = "waitlist-view", _("opened a waiting-list entry")

    username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking access record")
        verbose_name_plural = _("booking access records")
        ordering = ["-at"]

    def __str__(self):
        subject = self.booking_id or f"waitlist {self.waitlist_entry_id}"
        return f"{self.username} {self.action} #{subject} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, bookings, *, user, action) -> None:
        """That `user` saw each of `bookings` now, in one insert however many: the
        book, the day list, a lookup by number. Each booking's slot is read for
        its clinic (loaded with it where these lists come from)."""
        cls.objects.bulk_create(
            cls(
                booking_id=booking.pk,
                booking_key=booking.key,
                clinic_id=booking.slot.clinic_id,
                user=user,
                username=user.get_username(),
                action=action,
            )
            for booking in bookings
        )

    @classmethod
    def of_booking(cls, booking, **fields) -> "BookingAccess":
        """A record (unsaved) about `booking`, by number and key."""
        return cls(
            booking_id=booking.pk,
            booking_key=booking.key,
            clinic_id=booking.slot.clinic_id,
            **fields,
        )
