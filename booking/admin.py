"""Staff's booking tools. A staff user who is not a superuser sees and changes only the
clinics they belong to (ClinicStaff); every opening of a booking is recorded."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from booking.admin_book import BookViews, PhonePatientForm
from booking.calendars import CalendarError, normalise_calendar_url
from booking.emails import absolute
from booking.formatting import slot_time
from booking.models import (
    AppointmentType,
    Booking,
    BookingAccess,
    BusyCalendar,
    CalendarFeed,
    ClinicBookingPolicy,
    ClinicStaff,
    ScheduleException,
    Slot,
    WaitlistEntry,
    WeeklySchedule,
)
from booking.selectors import waitlist_counts
from booking.services import (
    BookingError,
    booking_cancel,
    booking_create,
    booking_mark,
    booking_move,
    busy_calendar_sync,
    calendar_feed_rotate,
    slot_set_withdrawn,
    slots_generate,
    waitlist_remove,
)
from booking.staff import parse_day, staff_clinic_ids
from clinics.hours import OSLO
from clinics.models import Clinic, Practitioner
from nemus_site.admin import LabelledTabularMixin


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


@admin.register(AppointmentType)
class AppointmentTypeAdmin(TabbedTranslationAdmin):
    list_display = ["name", "duration_minutes", "price_nok", "is_active"]


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
        self.message_user(request, _("Cancelled. The times are open again."))

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
            *super().get_urls(),
        ]

    def day_list(self, request):
        """A printable list of one day's bookings, for reception."""
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
        start = dt.datetime.combine(day, dt.time(0), tzinfo=OSLO)
        bookings = list(
            self.get_queryset(request)
            .filter(
                slot__starts_at__gte=start,
                slot__starts_at__lt=start + dt.timedelta(days=1),
                status__in=Booking.ACTIVE_STATUSES,
            )
            .select_related("slot__practitioner", "slot__clinic", "appointment_type")
            .order_by("slot__clinic__name", "slot__starts_at")
        )
        BookingAccess.objects.bulk_create(
            BookingAccess.of_booking(
                b,
                user=request.user,
                username=request.user.get_username(),
                action=BookingAccess.Action.DAY_LIST,
            )
            for b in bookings
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Bookings %(day)s") % {"day": date_format(day, "DAY_FORMAT")},
            "day": day,
            "bookings": bookings,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        }
        return TemplateResponse(request, "admin/booking/day_list.html", context)


class BusyCalendarForm(forms.ModelForm):
    """The calendar's address is a secret: never shown again once saved (the list
    shows its host). Left empty on a change, the saved one stays."""

    url = forms.CharField(
        label=_("calendar address"),
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "The iCalendar (.ics) export of the practitioner's patient-record system "
            "or calendar: https:// or webcal://. Leave empty to keep the saved one."
        ),
    )

    class Meta:
        model = BusyCalendar
        fields = ["practitioner", "url"]

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if not url:
            if self.instance.pk and self.instance.url:
                return self.instance.url
            raise ValidationError(_("Enter the calendar's address."))
        try:
            return normalise_calendar_url(url)
        except CalendarError as error:
            raise ValidationError(
                _("Enter an https:// or webcal:// address of a calendar.")
            ) from error


@admin.register(BusyCalendar)
class BusyCalendarAdmin(ClinicScopedAdmin):
    """Practitioners' own calendars: their busy times withdraw open times (a
    scheduled command reads them); the state of each, and reading one now."""

    form = BusyCalendarForm
    clinic_path = "practitioner__clinic"
    list_display = [
        "practitioner",
        "masked_url",
        "last_success_at",
        "last_error",
        "failures",
    ]
    list_select_related = ["practitioner"]
    readonly_fields = [
        "masked_url",
        "last_attempt_at",
        "last_success_at",
        "last_error",
        "failures",
    ]
    actions = ["read_now"]

    @admin.display(description=_("address"))
    def masked_url(self, calendar):
        return calendar.masked_url

    @admin.action(description=_("Read the calendars now"))
    def read_now(self, request, queryset):
        for calendar in queryset:
            withdrawn, reopened = busy_calendar_sync(calendar_id=calendar.pk)
            calendar.refresh_from_db()
            if calendar.last_error:
                self.message_user(
                    request,
                    _("%(who)s: not read (%(error)s); the last reading stands.")
                    % {"who": calendar.practitioner, "error": calendar.last_error},
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    _("%(who)s: %(withdrawn)d times withdrawn, %(reopened)d reopened.")
                    % {
                        "who": calendar.practitioner,
                        "withdrawn": withdrawn,
                        "reopened": reopened,
                    },
                )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Private feeds of bookings and blocked times, for the practitioners' and
    clinics' own calendars; a new address stops the old one."""

    list_display = ["__str__", "created_at", "rotated_at", "fetches_30_days"]
    readonly_fields = ["feed_url", "created_at", "rotated_at", "fetches_30_days"]
    fields = ["practitioner", "clinic", *readonly_fields]
    actions = ["rotate"]

    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).select_related("practitioner", "clinic")
        )
        clinics = staff_clinic_ids(request.user)
        if clinics is None:
            return queryset
        return queryset.filter(
            models.Q(practitioner__clinic__in=clinics) | models.Q(clinic__in=clinics)
        )

    @admin.display(description=_("feed address (secret)"))
    def feed_url(self, feed):
        if not feed.pk:
            return "–"
        return absolute(reverse("booking:calendar_feed", kwargs={"token": feed.token}))

    @admin.display(description=_("fetches in 30 days"))
    def fetches_30_days(self, feed):
        since = timezone.now() - dt.timedelta(days=30)
        return feed.fetches.filter(at__gte=since).count()

    @admin.action(description=_("Give a new address (the old one stops)"))
    def rotate(self, request, queryset):
        for feed in queryset:
            calendar_feed_rotate(feed_id=feed.pk)
        self.message_user(
            request, _("New addresses made; the old ones no longer work.")
        )


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ClinicScopedAdmin):
    """Staff see how many wait per clinic, and what each entry asks for; the
    number or address only on an entry's page, and each opening is recorded."""

    change_list_template = "admin/booking/waitlistentry/change_list.html"
    list_display = ["pk", "clinic", "wanted", "latest_date", "confirmed", "created_at"]
    list_filter = ["clinic"]
    list_select_related = ["clinic", "practitioner"]
    fields = [
        "clinic",
        "practitioner",
        "profession",
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
        if entry.practitioner:
            return entry.practitioner.name
        return entry.get_profession_display() or _("anyone")

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
