"""What every booking admin shares: a staff user who is not a superuser sees and
changes only the clinics they belong to (ClinicStaff)."""

from django.contrib import admin

from booking.models import Slot
from booking.staff import staff_clinic_ids
from clinics.models import Clinic, Practitioner


class ClinicScopedAdmin(admin.ModelAdmin):
    """Rows and choices limited to the user's clinics. `clinic_path` leads from the
    model to its clinic."""

    clinic_path = "clinic"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        clinics = staff_clinic_ids(request.user)
        if clinics is None:
            return queryset
        return queryset.filter(**{f"{self.clinic_path}__in": clinics})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        clinics = staff_clinic_ids(request.user)
        if clinics is not None:
            if db_field.related_model is Clinic:
                kwargs["queryset"] = Clinic.objects.filter(pk__in=clinics)
            elif db_field.related_model is Practitioner:
                kwargs["queryset"] = Practitioner.objects.filter(clinic__in=clinics)
            elif db_field.related_model is Slot:
                kwargs["queryset"] = Slot.objects.filter(clinic__in=clinics)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
