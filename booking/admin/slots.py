"""Times: the list by day, withdrawing and reopening, generating from the schedules;
the time field the staff booking forms share."""

import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.admin.base import ClinicScopedAdmin
from booking.formatting import slot_time
from booking.models import (
    Booking,
    Slot,
)
from booking.services import slot_set_withdrawn
from booking.staff import parse_day
from clinics.hours import OSLO


class SlotDayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"
    time_field = "starts_at"

    def lookups(self, request, model_admin):
        today = timezone.localdate()
        return [
            ((today + dt.timedelta(days=n)).isoformat(), label)
            for n, label in [(0, _("Today")), (1, _("Tomorrow")), (2, _("In two days"))]
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        day = parse_day(self.value())
        if day is None:
            return queryset.none()
        start = dt.datetime.combine(day, dt.time(0), tzinfo=OSLO)
        return queryset.filter(
            **{
                f"{self.time_field}__gte": start,
                f"{self.time_field}__lt": start + dt.timedelta(days=1),
            }
        )


class BookingDayFilter(SlotDayFilter):
    time_field = "slot__starts_at"


@admin.register(Slot)
class SlotAdmin(ClinicScopedAdmin):
    list_display = ["local_time", "practitioner", "clinic", "is_withdrawn", "booked"]
    list_filter = [SlotDayFilter, "clinic", "is_withdrawn"]
    list_select_related = ["practitioner", "clinic"]
    readonly_fields = ["clinic", "practitioner", "starts_at", "ends_at"]
    fields = [
        "clinic",
        "practitioner",
        "starts_at",
        "ends_at",
        "is_withdrawn",
        "external_id",
    ]

    def has_add_permission(self, request):
        return False  # slots come from the weekly schedules

    def save_model(self, request, obj, form, change):
        """Withdrawing or offering a time again goes through its service (a time
        offered again is offered to the waiting list)."""
        if not (change and "is_withdrawn" in form.changed_data):
            return super().save_model(request, obj, form, change)
        withdrawn = obj.is_withdrawn
        obj.is_withdrawn = not withdrawn
        super().save_model(request, obj, form, change)
        slot_set_withdrawn(slot_id=obj.pk, withdrawn=withdrawn)
        obj.is_withdrawn = withdrawn

    @admin.display(description=_("time"), ordering="starts_at")
    def local_time(self, slot):
        return slot_time(slot.starts_at)

    @admin.display(boolean=True, description=_("booked"))
    def booked(self, slot):
        return slot.bookings.filter(status__in=Booking.ACTIVE_STATUSES).exists()


class SlotChoiceField(forms.ModelChoiceField):
    """Offers the open times (`queryset`) but accepts any time in `lookup` (the
    user's clinics), so a time someone booked since the page was shown gets the
    service's own "someone else booked it" at the field, not "not a valid choice"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup = Slot.objects.none()

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.lookup.get(pk=value)
        except (ValueError, TypeError, Slot.DoesNotExist) as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error
