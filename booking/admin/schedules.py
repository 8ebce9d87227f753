"""Appointment types, clinics' booking policies, weekly schedules and their
exceptions."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from booking.admin.base import ClinicScopedAdmin
from booking.models import (
    AppointmentType,
    ClinicBookingPolicy,
    ScheduleException,
    WeeklySchedule,
)
from booking.services import slots_generate
from nemus_site.admin import LabelledTabularMixin


@admin.register(AppointmentType)
class AppointmentTypeAdmin(TabbedTranslationAdmin):
    list_display = ["name", "audience", "duration_minutes", "price_nok", "is_active"]


@admin.register(ClinicBookingPolicy)
class ClinicBookingPolicyAdmin(ClinicScopedAdmin):
    list_display = ["clinic", "online_booking", "min_notice_hours", "max_days_ahead"]


class ScheduleExceptionInline(LabelledTabularMixin, admin.TabularInline):
    model = ScheduleException
    extra = 0


@admin.register(WeeklySchedule)
class WeeklyScheduleAdmin(ClinicScopedAdmin):
    clinic_path = "practitioner__clinic"
    list_display = ["practitioner", "weekday", "starts", "ends", "slot_minutes"]
    list_filter = ["weekday", "practitioner__clinic"]
    list_select_related = ["practitioner__clinic"]
    actions = ["generate_slots"]

    @admin.action(description=_("Make the slots for the next 8 weeks"))
    def generate_slots(self, request, queryset):
        practitioners = {schedule.practitioner_id for schedule in queryset}
        created = slots_generate(
            start=timezone.localdate(), days=56, practitioners=practitioners
        )
        self.message_user(request, _("%(count)d new slots.") % {"count": created})


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(ClinicScopedAdmin):
    clinic_path = "practitioner__clinic"
    list_display = ["practitioner", "starts_on", "ends_on", "reason"]
    list_select_related = ["practitioner"]
