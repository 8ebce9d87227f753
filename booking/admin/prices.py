"""Prices at each clinic, who settles directly with HELFO, and HELFO's dated
amounts with their conditions and sources. The models' clean() refuses what
cannot hold (an amount above the price, dates that overlap)."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from booking.admin.base import ClinicScopedAdmin
from booking.models import ClinicPrice, DirectSettlement, HelfoRate


@admin.register(ClinicPrice)
class ClinicPriceAdmin(ClinicScopedAdmin):
    list_display = ["clinic", "appointment_type", "price_nok"]
    list_filter = ["clinic", "appointment_type"]
    list_select_related = ["clinic", "appointment_type"]


@admin.register(DirectSettlement)
class DirectSettlementAdmin(ClinicScopedAdmin):
    list_display = ["clinic", "profession"]
    list_filter = ["profession", "clinic"]
    list_select_related = ["clinic"]


@admin.register(HelfoRate)
class HelfoRateAdmin(TabbedTranslationAdmin):
    list_display = [
        "profession",
        "appointment_type",
        "kind",
        "amount_nok",
        "valid_from",
        "valid_until",
        "source_name",
        "is_demo",
    ]
    list_filter = ["profession", "kind", "is_demo"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_select_related = ["appointment_type"]
    fieldsets = [
        (
            None,
            {"fields": ["profession", "appointment_type", "kind", "amount_nok"]},
        ),
        (_("When"), {"fields": ["valid_from", "valid_until"]}),
        (
            _("Conditions and source"),
            {"fields": ["conditions", "source_name", "source_url", "is_demo"]},
        ),
    ]
