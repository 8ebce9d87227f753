"""Who works where, and the log of who opened which booking."""

from django.contrib import admin

from booking.models import (
    BookingAccess,
    ClinicStaff,
)


@admin.register(BookingAccess)
class BookingAccessAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "username",
        "action",
        "booking_id",
        "booking_key",
        "waitlist_entry_id",
        "clinic_id",
    ]
    list_filter = ["action"]
    search_fields = ["username", "booking_id", "booking_key", "waitlist_entry_key"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClinicStaff)
class ClinicStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "clinic"]
    list_filter = ["clinic"]

    def has_module_permission(self, request):
        return request.user.is_superuser
