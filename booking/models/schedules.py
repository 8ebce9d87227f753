"""What a clinic offers and when: appointment types, its online booking policy,
weekly schedules and their exceptions."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinics.hours import OSLO
from clinics.models import Clinic, DaySpan, OpeningHours, Practitioner, Profession


class AppointmentType(models.Model):
    """What a patient books: a first consultation, a follow-up..."""

    class Audience(models.TextChoices):
        BOTH = "both", _("New and returning patients")
        NEW = "new", _("New patients only")
        RETURNING = "returning", _("Returning patients only")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    price_nok = models.PositiveIntegerField(_("price (NOK)"))
    professions = models.JSONField(
        _("professions"),
        default=list,
        help_text=_("Which professions offer it: kiropraktor, manuell-terapeut, ..."),
    )
    audience = models.CharField(
        _("for whom"),
        max_length=12,
        choices=Audience.choices,
        default=Audience.BOTH,
        help_text=_(
            "A new patient is only offered types for new patients or for both; the "
            "booking is refused otherwise."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("bookable"), default=True)

    class Meta:
        verbose_name = _("appointment type")
        verbose_name_plural = _("appointment types")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def price(self) -> int:
        """What it costs where it is offered: the clinic's own price when one is
        set (`clinic_price`, annotated by booking.selectors.appointment_types_for
        with a clinic), else the type's."""
        own = getattr(self, "clinic_price", None)
        return self.price_nok if own is None else own

    def offered_by(self, profession):
        return profession in self.professions

    def is_for(self, new_patient: bool | None) -> bool:
        """Whether a patient who is (True) or is not (False) new to the clinic may
        book this type; None: not said, any type."""
        if new_patient is None or self.audience == self.Audience.BOTH:
            return True
        return self.audience == (
            self.Audience.NEW if new_patient else self.Audience.RETURNING
        )

    def fits_in(self, slot) -> bool:
        """Whether an appointment of this type fits in `slot`'s length."""
        return self.duration_minutes <= slot.minutes

    def clean(self):
        unknown = set(self.professions) - set(Profession.values)
        if unknown:
            raise ValidationError({"professions": _("Unknown profession.")})
        if self.pk and self.price_nok is not None:
            self.refuse_price_below_refund(self.price_nok)

    def refuse_price_below_refund(self, price: int) -> None:
        """Refuse `price` when HELFO covers more of this type, now or later
        (booking.models.HelfoRate of kind "refund"): whichever of the two
        changes, HELFO never covers more than the price."""
        refund = (
            self.helfo_rates.filter(kind="refund", amount_nok__gt=price)
            .filter(
                models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=timezone.localdate())
            )
            .order_by("-amount_nok")
            .first()
        )
        if refund is not None:
            raise ValidationError(
                {
                    "price_nok": _(
                        "HELFO covers NOK %(amount)s of this appointment, more than "
                        "this price: set a price of at least that."
                    )
                    % {"amount": refund.amount_nok}
                }
            )


class ClinicBookingPolicy(models.Model):
    """How a clinic takes online bookings (one per clinic, made when first needed)."""

    clinic = models.OneToOneField(
        Clinic,
        on_delete=models.CASCADE,
        related_name="booking_policy",
        verbose_name=_("clinic"),
    )
    online_booking = models.BooleanField(_("online booking open"), default=True)
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"), default=2
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("book up to (days ahead)"), default=42
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("online cancellation until (hours before)"), default=24
    )
    notify_email = models.EmailField(
        _("notify about bookings"),
        blank=True,
        help_text=_("Gets a link to each new or cancelled booking, never its details."),
    )

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")

    def __str__(self):
        return str(self.clinic)

    @classmethod
    def for_clinic(cls, clinic) -> "ClinicBookingPolicy":
        """The clinic's policy; the defaults (unsaved) when none was set."""
        try:
            return clinic.booking_policy
        except cls.DoesNotExist:
            return cls(clinic=clinic)

    def window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The earliest and latest start a patient may book online at `now`."""
        return (
            now + dt.timedelta(hours=self.min_notice_hours),
            now + dt.timedelta(days=self.max_days_ahead),
        )

    def window_days(self, now: dt.datetime) -> tuple[dt.date, dt.date]:
        """Today and the last day (Oslo dates) a time may be booked online on."""
        _earliest, latest = self.window(now)
        return (
            timezone.localtime(now, OSLO).date(),
            timezone.localtime(latest - dt.timedelta(microseconds=1), OSLO).date(),
        )

    def in_window(self, starts_at: dt.datetime, now: dt.datetime) -> bool:
        """Whether a time starting then may be booked online at `now`."""
        earliest, latest = self.window(now)
        return self.online_booking and earliest <= starts_at < latest

    def change_deadline(self, starts_at: dt.datetime) -> dt.datetime:
        """Until when an appointment starting then can be changed or cancelled
        online."""
        return starts_at - dt.timedelta(hours=self.cancel_cutoff_hours)

    def too_late_to_cancel(self, starts_at: dt.datetime, now: dt.datetime) -> bool:
        """Whether a patient can no longer cancel online a time starting then."""
        return starts_at - now < dt.timedelta(hours=self.cancel_cutoff_hours)


class WeeklySchedule(models.Model):
    """When a practitioner sees patients each week; cut into slots of equal length."""

    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="schedules",
        verbose_name=_("practitioner"),
    )
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=OpeningHours.Weekday.choices
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30
    )

    class Meta:
        verbose_name = _("weekly schedule")
        verbose_name_plural = _("weekly schedules")
        ordering = ["practitioner", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")),
                name="schedule_ends_after_it_starts",
                violation_error_message=_("The schedule must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="schedule_slot_length_sensible",
            ),
        ]

    def __str__(self):
        day = self.get_weekday_display()
        return f"{self.practitioner}: {day} {self.starts:%H.%M}–{self.ends:%H.%M}"

    def overlapping(self):
        """The practitioner's other schedules on this weekday that share any time
        with this one: a practitioner is never in two places."""
        return WeeklySchedule.objects.filter(
            practitioner_id=self.practitioner_id,
            weekday=self.weekday,
            starts__lt=self.ends,
            ends__gt=self.starts,
        ).exclude(pk=self.pk)

    def clean(self):
        if self.practitioner_id is None or not (self.starts and self.ends):
            return
        clash = self.overlapping().first()
        if clash is not None:
            raise ValidationError(
                _(
                    "%(practitioner)s already works %(starts)s–%(ends)s on this day. "
                    "One practitioner cannot be in two places: change the times or "
                    "that schedule."
                )
                % {
                    "practitioner": self.practitioner.name,
                    "starts": f"{clash.starts:%H.%M}",
                    "ends": f"{clash.ends:%H.%M}",
                }
            )


class ScheduleException(DaySpan):
    """Days a practitioner does not work: holiday, sick day, course."""

    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="schedule_exceptions",
        verbose_name=_("practitioner"),
    )
    starts_on = models.DateField(_("first day away"))
    ends_on = models.DateField(_("last day away"))

    class Meta(DaySpan.Meta):
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [DaySpan.ends_after_it_starts("absence_ends_after_it_starts")]

    def __str__(self):
        return f"{self.practitioner}: {self.starts_on}–{self.ends_on}"
