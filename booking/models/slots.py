"""Times a practitioner can see one patient, and the queries that find the
bookable ones."""

import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinics.models import Clinic, Practitioner


class SlotQuerySet(models.QuerySet):
    def open(self):
        """Slots with no active booking."""
        from booking.models.bookings import ACTIVE_STATUSES  # bookings imports slots

        return self.exclude(bookings__status__in=ACTIVE_STATUSES)

    def bookable(self, *, now=None):
        """Open, in the future, not withdrawn, with a practitioner still working:
        what anyone may book (staff on the phone too)."""
        now = now or timezone.now()
        return self.open().filter(
            starts_at__gt=now, is_withdrawn=False, practitioner__is_active=True
        )

    def bookable_online(self, *, policy, now=None):
        """Bookable, and inside the clinic's online window (notice and horizon);
        none when the clinic takes no bookings online. `policy` is the clinic's
        ClinicBookingPolicy (ClinicBookingPolicy.for_clinic)."""
        now = now or timezone.now()
        if not policy.online_booking:
            return self.none()
        earliest, latest = policy.window(now)
        return self.bookable_in(now=now, earliest=earliest, latest=latest)

    def bookable_in(self, *, now, earliest, latest):
        """Bookable at `now`, starting from `earliest` until `latest`: an online
        window (ClinicBookingPolicy.window) already worked out."""
        return self.bookable(now=now).filter(
            starts_at__gte=earliest, starts_at__lt=latest
        )

    def fitting(self, appointment_type):
        """Slots with a practitioner offering the type, long enough for it."""
        return self.fitting_to(
            professions=appointment_type.professions,
            length=dt.timedelta(minutes=appointment_type.duration_minutes),
        )

    def fitting_to(self, *, professions, length: dt.timedelta):
        """Slots with a practitioner of one of `professions`, at least `length`
        long (an appointment type's, as values: see selectors.open_filters): by the
        stored, indexed length, so a clinic with no time long enough is not
        walked time by time."""
        minutes = math.ceil(length.total_seconds() / 60)
        return self.filter(
            practitioner__profession__in=professions, length_minutes__gte=minutes
        )


class SlotMinutes(models.Func):
    """A slot's length in whole minutes (rounded down), as the database computes
    it for the stored column Slot.length_minutes: the same on SQLite and
    PostgreSQL, and deterministic, as a generated column must be."""

    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(f"SlotMinutes on {connection.vendor}")

    def as_sqlite(self, compiler, connection, **extra_context):
        # julianday() is in days; the epsilon keeps 44.999999... at 45.
        return (
            'CAST((julianday("ends_at") - julianday("starts_at")) * 1440 + 0.00001 '
            "AS INTEGER)",
            [],
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return (
            'FLOOR(EXTRACT(EPOCH FROM ("ends_at" - "starts_at")) / 60)::integer',
            [],
        )


class WithdrawnBy(models.TextChoices):
    """Why a time is not offered: so a calendar reopens only what it withdrew."""

    STAFF = "staff", _("staff")
    ABSENCE = "absence", _("absence")
    CALENDAR = "calendar", _("the practitioner's calendar")


class Slot(models.Model):
    """A time a practitioner can see one patient. Stored in UTC, shown in Oslo time."""

    WithdrawnBy = WithdrawnBy

    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, related_name="slots", verbose_name=_("clinic")
    )
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="slots",
        verbose_name=_("practitioner"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_("Not offered (the practitioner is away); kept for its history."),
    )
    withdrawn_by = models.CharField(
        _("withdrawn by"), max_length=10, choices=WithdrawnBy, blank=True
    )
    external_id = models.CharField(
        _("id in the patient-record system"), max_length=100, blank=True
    )
    # Kept by the database from the two times, and indexed with the clinic: which
    # clinics have a time long enough for a new patient is an index lookup.
    length_minutes = models.GeneratedField(
        expression=SlotMinutes(),
        output_field=models.IntegerField(),
        db_persist=True,
        verbose_name=_("length (minutes)"),
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "starts_at"],
                name="slot_unique_per_practitioner",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="slot_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "starts_at"], name="slot_clinic_time"),
            models.Index(
                fields=["clinic", "length_minutes", "starts_at"],
                name="slot_clinic_length_time",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%Y-%m-%d %H.%M} {self.practitioner.name}"

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def clean(self):
        """A slot offered again (not withdrawn) may not overlap another of the
        practitioner's: on PostgreSQL the database would refuse it too."""
        if self.is_withdrawn or not (self.practitioner_id and self.starts_at):
            return
        clash = (
            Slot.objects.filter(
                practitioner_id=self.practitioner_id,
                is_withdrawn=False,
                starts_at__lt=self.ends_at,
                ends_at__gt=self.starts_at,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _(
                    "Another time of this practitioner overlaps this one "
                    "(%(when)s). Withdraw that one first."
                )
                % {"when": f"{timezone.localtime(clash.starts_at):%d.%m.%Y %H.%M}"}
            )


# A booking reference patients can read aloud on the phone: no 0/O, 1/I/L, 2/Z, 5/S,
# 6/G or 8/B to mix up. Six characters of 23: about 148 million references.
