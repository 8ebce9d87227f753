"""The booking list: add by phone, move, cancel, mark attended or not; every opening of
a booking is recorded."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booking.admin.base import ClinicScopedAdmin
from booking.admin.book import BookViews
from booking.admin.phone import PhonePatientForm
from booking.admin.slots import BookingDayFilter, SlotChoiceField
from booking.formatting import slot_time
from booking.models import (
    Booking,
    BookingAccess,
    Slot,
)
from booking.selectors import day_list_get
from booking.services import (
    BookingError,
    booking_cancel,
    booking_create,
    booking_mark,
    booking_move,
)
from booking.staff import parse_day, staff_clinic_ids


class PhoneBookingForm(PhonePatientForm):
    """The booking list's "add": the staff form with a time to choose. The form
    validates what was typed; BookingAdmin.add_view books it with booking_create."""

    slot = SlotChoiceField(label=_("time"), queryset=Slot.objects.none())
    field_order = ["slot"]

    def __init__(self, *args, slots, lookup, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        assert isinstance(field, SlotChoiceField)
        field.queryset = slots
        field.lookup = lookup


class MoveForm(forms.ModelForm):
    """Move a booking to another open time at its clinic in the coming weeks.

    The choices are set per form, for its booking: never on the class, which every
    request shares. A filtered queryset, not a slice: a choice is validated with a
    lookup in it (a sliced queryset cannot be filtered, which broke every move)."""

    WINDOW = dt.timedelta(days=28)

    move_to = SlotChoiceField(
        label=_("Move to"), queryset=Slot.objects.none(), required=False
    )

    class Meta:
        model = Booking
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        booking = self.instance
        if booking.pk:
            now = timezone.now()
            field = self.fields["move_to"]
            assert isinstance(field, SlotChoiceField)
            field.lookup = (
                Slot.objects.filter(
                    clinic_id=booking.slot.clinic_id, starts_at__lt=now + self.WINDOW
                )
                .select_related("practitioner")
                .order_by("starts_at", "practitioner__name")
            )
            field.queryset = field.lookup.bookable(now=now)


@admin.register(Booking)
class BookingAdmin(ClinicScopedAdmin):
    clinic_path = "slot__clinic"
    # Lists show time, type and practitioner; the name only on the booking's own page.
    list_display = [
        "reference",
        "local_time",
        "appointment_type",
        "practitioner",
        "status",
        "channel",
    ]
    list_filter = [
        BookingDayFilter,
        "status",
        "slot__clinic",
        ("practitioner", admin.RelatedOnlyFieldListFilter),
        "appointment_type",
    ]
    # Staff find a booking by its reference (or day, practitioner, type): never by
    # a fragment of a patient's name, number or address, which would be a search
    # through patients that leaves no access record.
    search_fields = ["=reference"]
    search_help_text = _("The booking reference, e.g. K7MXQ4.")
    PERSONAL_FIELDS = ("name", "phone", "email")

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__")[0] in self.PERSONAL_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(
            request, queryset, search_term.strip().upper()
        )

    list_select_related = ["slot__practitioner", "appointment_type"]
    actions = ["mark_attended", "cancel_bookings"]
    readonly_fields = [
        "reference",
        "local_time",
        "clinic",
        "practitioner",
        "appointment_type",
        "status",
        "channel",
        "name",
        "phone",
        "email",
        "is_new_patient",
        "created_at",
        "cancelled_at",
    ]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = MoveForm
        kwargs["fields"] = ["move_to"]
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "slot",
                "appointment_type",
                "name",
                "phone",
                "email",
                "is_new_patient",
            ]
        return (
            [*self.readonly_fields, "move_to"]
            if obj.is_active
            else self.readonly_fields
        )

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    # Bookings are written by the services only: the admin's own save path is never
    # taken (add_view and change_view below handle every POST).
    def add_view(self, request, form_url="", extra_context=None):
        """Book by phone or at the desk: the form checks the input, booking_create
        books it (with the same checks as online, but no online window); a refusal is
        shown at the field it is about, with everything typed kept."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        clinics = staff_clinic_ids(request.user)
        lookup = Slot.objects.select_related("practitioner", "clinic")
        if clinics is not None:
            lookup = lookup.filter(clinic__in=clinics)
        form = PhoneBookingForm(
            request.POST or None, slots=lookup.bookable(), lookup=lookup
        )
        if request.method == "POST" and form.is_valid():
            try:
                booking = booking_create(
                    slot_id=form.cleaned_data["slot"].pk, **form.booking_values()
                )
            except ValidationError as error:  # the booking's own checks
                form.add_error(None, error)
            except BookingError as error:
                form.add_error(error.field, error.message)
            else:
                self.log_addition(request, booking, [{"added": {}}])
                return self.response_add(request, booking)
        return self._render_form(request, form, None, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A booking's page (every opening recorded); a POST moves it to another
        time through booking_move, and a refusal is shown at the choice."""
        booking = self.get_object(request, object_id)
        if booking is None:
            raise PermissionDenied
        BookingAccess.of_booking(
            booking,
            user=request.user,
            username=request.user.get_username(),
            action=BookingAccess.Action.VIEW
            if request.method == "GET"
            else BookingAccess.Action.CHANGE,
        ).save()
        if request.method != "POST":
            return super().change_view(request, object_id, form_url, extra_context)
        if not (booking.is_active and self.has_change_permission(request, booking)):
            raise PermissionDenied
        form = MoveForm(request.POST, instance=booking)
        if form.is_valid():
            target = form.cleaned_data["move_to"]
            if target is None or target.pk == booking.slot_id:
                self.message_user(request, _("Nothing was changed."))
                return redirect(request.path)
            try:
                booking_move(booking_id=booking.pk, new_slot_id=target.pk)
            except BookingError as error:
                form.add_error("move_to", error.message)
            else:
                self.log_change(request, booking, [{"changed": {"fields": ["slot"]}}])
                self.message_user(
                    request,
                    _("Moved to %(time)s.") % {"time": slot_time(target.starts_at)},
                    messages.SUCCESS,
                )
                return redirect(request.path)
        return self._render_form(request, form, booking, form_url, extra_context)

    def _render_form(self, request, form, booking, form_url, extra_context):
        """The admin's own page for `form` (bound, with its errors), as
        changeform_view shows it."""
        fieldsets = self.get_fieldsets(request, booking)
        readonly = self.get_readonly_fields(request, booking)
        admin_form = helpers.AdminForm(form, list(fieldsets), {}, readonly, self)
        title = _("Add %s") if booking is None else _("Change %s")
        context = {
            **self.admin_site.each_context(request),
            "title": title % self.opts.verbose_name,
            "subtitle": str(booking) if booking else None,
            "adminform": admin_form,
            "object_id": booking.pk if booking else None,
            "original": booking,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return self.render_change_form(
            request,
            context,
            add=booking is None,
            change=booking is not None,
            obj=booking,
            form_url=form_url,
        )

    @admin.display(description=_("time"), ordering="slot__starts_at")
    def local_time(self, booking):
        return slot_time(booking.slot.starts_at)

    @admin.display(description=_("practitioner"))
    def practitioner(self, booking):
        return booking.slot.practitioner.name

    @admin.display(description=_("clinic"))
    def clinic(self, booking):
        return booking.slot.clinic

    @admin.action(description=_("Mark as attended"))
    def mark_attended(self, request, queryset):
        """The appointment book's rule (booking_mark): attended from the booking's
        day on, and only a confirmed booking; each refusal is said with its time."""
        marked, refused = 0, []
        for booking in queryset.select_related("slot"):
            try:
                booking_mark(booking_id=booking.pk, status=Booking.Status.ATTENDED)
            except BookingError as error:
                when = slot_time(booking.slot.starts_at)
                refused.append(f"{booking.reference} ({when}): {error.message}")
            else:
                marked += 1
        if marked:
            self.message_user(
                request,
                ngettext(
                    "%(count)d booking marked attended.",
                    "%(count)d bookings marked attended.",
                    marked,
                )
                % {"count": marked},
            )
        for refusal in refused:
            self.message_user(
                request,
                _("Not marked: %(refusal)s") % {"refusal": refusal},
                messages.ERROR,
            )

    @admin.action(description=_("Cancel (the patient gets an e-mail)"))
    def cancel_bookings(self, request, queryset):
        for booking in queryset:
            booking_cancel(booking_id=booking.pk, by_staff=True)
        self.message_user(
            request, _("Cancelled. The appointments are available again.")
        )

    def get_urls(self):
        book = BookViews(self)
        view = self.admin_site.admin_view
        return [
            path(
                "dagsliste/",
                view(self.day_list),
                name="booking_booking_day_list",
            ),
            path("timebok/", view(book.start), name="booking_book_start"),
            path("timebok/<int:clinic_id>/", view(book.book), name="booking_book"),
            path(
                "timebok/<int:clinic_id>/bestill/<int:slot_id>/",
                view(book.book_slot),
                name="booking_book_slot",
            ),
            path(
                "timebok/<int:clinic_id>/flytt/<int:booking_id>/",
                view(book.move),
                name="booking_book_move",
            ),
            path(
                "timebok/<int:clinic_id>/serie/<int:booking_id>/",
                view(book.series),
                name="booking_book_series",
            ),
            *super().get_urls(),
        ]

    def day_list(self, request):
        """A printable list of one day's booked and blocked times, for
        reception: a part per practitioner, each its own page on paper, with
        names and numbers (each booking shown recorded, as in the book)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        asked = request.GET.get("date", "")
        day = parse_day(asked)
        if day is None:
            if asked:
                self.message_user(
                    request,
                    _("“%(asked)s” is not a date we can show; here is today.")
                    % {"asked": asked[:20]},
                    messages.WARNING,
                )
            day = timezone.localdate()
        parts = day_list_get(day=day, clinic_ids=staff_clinic_ids(request.user))
        BookingAccess.record(
            (
                cell.booking
                for part in parts
                for cell in part.cells
                if cell.booking is not None
            ),
            user=request.user,
            action=BookingAccess.Action.DAY_LIST,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Bookings %(day)s") % {"day": date_format(day, "DAY_FORMAT")},
            "day": day,
            "parts": parts,
            # Printed, the page is the list: no menu, no header.
            "is_nav_sidebar_enabled": False,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        }
        return TemplateResponse(request, "admin/booking/day_list.html", context)
