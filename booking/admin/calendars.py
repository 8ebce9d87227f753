"""Practitioners' busy calendars read in, and the calendar feeds given out."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.admin.base import ClinicScopedAdmin
from booking.models import (
    BusyCalendar,
    CalendarFeed,
)
from booking.outside.calendars import CalendarError, normalise_calendar_url
from booking.outside.emails import absolute
from booking.services import (
    busy_calendar_sync,
    calendar_feed_rotate,
)
from booking.staff import staff_clinic_ids


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
                    _(
                        "%(who)s: %(withdrawn)d appointments withdrawn, "
                        "%(reopened)d reopened."
                    )
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
