"""What an appointment costs: a clinic's own prices, who settles directly with
HELFO, and HELFO's dated amounts and conditions, each with its source. Kept by
staff; none of HELFO's amounts is written by a migration (seed_demo adds marked
demo rows only)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from booking.models.schedules import AppointmentType
from clinics.models import Clinic, Profession


class ClinicPrice(models.Model):
    """A clinic's own price for an appointment type (else the type's price holds)."""

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        related_name="prices",
        verbose_name=_("clinic"),
    )
    appointment_type = models.ForeignKey(
        AppointmentType,
        on_delete=models.CASCADE,
        related_name="clinic_prices",
        verbose_name=_("appointment type"),
    )
    price_nok = models.PositiveIntegerField(_("price (NOK)"))

    class Meta:
        verbose_name = _("price at this clinic")
        verbose_name_plural = _("prices at this clinic")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "appointment_type"],
                name="clinic_price_unique",
                violation_error_message=_(
                    "This clinic already has its own price for this appointment type."
                ),
            )
        ]

    def __str__(self):
        return f"{self.appointment_type}: {self.price_nok} kr"

    def clean(self):
        if self.price_nok is not None and self.appointment_type_id is not None:
            self.appointment_type.refuse_price_below_refund(self.price_nok)


class DirectSettlement(models.Model):
    """This clinic's practitioners of this profession settle directly with HELFO:
    the patient pays the price less HELFO's share, at the clinic."""

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        related_name="direct_settlements",
        verbose_name=_("clinic"),
    )
    profession = models.CharField(_("profession"), max_length=32, choices=Profession)

    class Meta:
        verbose_name = _("direct settlement with HELFO")
        verbose_name_plural = _("direct settlements with HELFO")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "profession"],
                name="direct_settlement_unique",
                violation_error_message=_(
                    "This profession already settles directly here."
                ),
            )
        ]

    def __str__(self):
        return f"{self.clinic}: {self.get_profession_display()}"


class HelfoRate(models.Model):
    """One of HELFO's amounts for a profession and appointment type, from a date (to
    a date, or until further notice), with its conditions and source: what HELFO
    covers where the clinic settles directly (refund), or the public patient fee a
    patient pays a practitioner with a public funding agreement (patient fee)."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("HELFO covers (direct settlement)")
        PATIENT_FEE = "patient-fee", _("Patient fee (public funding agreement)")

    profession = models.CharField(_("profession"), max_length=32, choices=Profession)
    appointment_type = models.ForeignKey(
        AppointmentType,
        on_delete=models.CASCADE,
        related_name="helfo_rates",
        verbose_name=_("appointment type"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    amount_nok = models.PositiveIntegerField(_("amount (NOK)"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Empty: until further notice."),
    )
    conditions = models.TextField(
        _("conditions"),
        help_text=_("HELFO's conditions in plain words, as the source states them."),
    )
    source_name = models.CharField(_("source"), max_length=120)
    source_url = models.URLField(_("source address"))
    is_demo = models.BooleanField(
        _("demo value"),
        default=False,
        help_text=_("Made up by `seed_demo`; shown as an example, never as HELFO's."),
    )

    class Meta:
        verbose_name = _("HELFO amount")
        verbose_name_plural = _("HELFO amounts")
        ordering = ["profession", "appointment_type", "kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="helfo_rate_ends_after_it_starts",
                violation_error_message=_(
                    "“Valid until” cannot be before “valid from”."
                ),
            )
        ]

    def __str__(self):
        return (
            f"{self.get_profession_display()}, {self.appointment_type}: "
            f"{self.amount_nok} kr ({self.get_kind_display()})"
        )

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (
            self.valid_until is None or day <= self.valid_until
        )

    def clean(self):
        if None in (self.valid_from, self.amount_nok) or not self.appointment_type_id:
            return
        if self.valid_until is not None and self.valid_until < self.valid_from:
            return  # the check constraint's message says so
        self._refuse_overlap()
        if self.kind == self.Kind.REFUND:
            self._refuse_more_than_price()

    def _refuse_overlap(self):
        far = dt.date.max
        mine_end = self.valid_until or far
        others = HelfoRate.objects.filter(
            profession=self.profession,
            appointment_type_id=self.appointment_type_id,
            kind=self.kind,
            valid_from__lte=mine_end,
        ).exclude(pk=self.pk)
        clash = others.filter(
            models.Q(valid_until__isnull=True)
            | models.Q(valid_until__gte=self.valid_from)
        ).first()
        if clash is not None:
            ends = clash.valid_until.isoformat() if clash.valid_until else _("open")
            raise ValidationError(
                _(
                    "Another amount for this profession and appointment type is "
                    "valid from %(start)s to %(end)s: the dates overlap. End that "
                    "row the day before this one starts."
                )
                % {"start": clash.valid_from.isoformat(), "end": ends}
            )

    def _refuse_more_than_price(self):
        kind = AppointmentType.objects.filter(pk=self.appointment_type_id).first()
        prices = [kind.price_nok] if kind else []
        prices += ClinicPrice.objects.filter(
            appointment_type_id=self.appointment_type_id
        ).values_list("price_nok", flat=True)
        lowest = min(prices, default=None)
        if lowest is not None and self.amount_nok > lowest:
            raise ValidationError(
                {
                    "amount_nok": _(
                        "HELFO cannot cover more than the price: the lowest price "
                        "of this appointment type is NOK %(price)s."
                    )
                    % {"price": lowest}
                }
            )
