"""The waiting list as staff see it: entries by clinic, with counts."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from booking.admin.base import ClinicScopedAdmin
from booking.models import (
    BookingAccess,
    WaitlistEntry,
)
from booking.selectors import waitlist_counts
from booking.services import waitlist_remove
from booking.staff import staff_clinic_ids


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ClinicScopedAdmin):
    """Staff see how many wait per clinic, and what each entry asks for; the
    number or address only on an entry's page, and each opening is recorded."""

    change_list_template = "admin/booking/waitlistentry/change_list.html"
    list_display = ["pk", "clinic", "wanted", "latest_date", "confirmed", "created_at"]
    list_filter = ["clinic"]
    list_select_related = ["clinic", "practitioner", "appointment_type"]
    fields = [
        "clinic",
        "practitioner",
        "profession",
        "appointment_type",
        "time_of_day",
        "latest_date",
        "channel",
        "phone",
        "email",
        "created_at",
        "confirmed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # patients sign up themselves

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("booking.view_waitlistentry")

    @admin.display(description=_("asks for"))
    def wanted(self, entry):
        who = (
            entry.practitioner.name
            if entry.practitioner
            else entry.get_profession_display() or _("anyone")
        )
        parts = [str(who)]
        if entry.appointment_type:
            parts.append(entry.appointment_type.name)
        if entry.time_of_day:
            parts.append(entry.get_time_of_day_display())
        return " · ".join(parts)

    @admin.display(boolean=True, description=_("confirmed"))
    def confirmed(self, entry):
        return entry.confirmed_at is not None

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "waitlist_counts": waitlist_counts(
                clinic_ids=staff_clinic_ids(request.user)
            ),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, object_id)
        if entry is None:
            raise PermissionDenied
        BookingAccess.objects.create(
            waitlist_entry_id=entry.pk,
            waitlist_entry_key=entry.key,
            clinic_id=entry.clinic_id,
            user=request.user,
            username=request.user.get_username(),
            action=BookingAccess.Action.WAITLIST_VIEW,
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_model(self, request, obj):
        waitlist_remove(entry_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for entry_id in queryset.values_list("pk", flat=True):
            waitlist_remove(entry_id=entry_id)
