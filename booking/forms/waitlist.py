"""The waiting list's forms: joining, and the code sent by SMS."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booking.forms.fields import choice_field
from booking.models import AppointmentType, TimeOfDay
from booking.services import (
    WaitlistError,
    normalise_norwegian_mobile,
    waitlist_choices_check,
)
from clinics.models import Profession

AUDIENCE_NOTES = {
    AppointmentType.Audience.NEW: _("for new patients"),
    AppointmentType.Audience.RETURNING: _("if you have been here before"),
}


class WaitlistForm(forms.Form):
    """Sign up for a clinic's waiting list: which times (optionally one
    practitioner or profession, up to a last day) and how to be told (SMS to a
    Norwegian mobile, or e-mail). The number or address is confirmed afterwards."""

    practitioner = forms.ChoiceField(label=_("Practitioner"), required=False)
    profession = forms.ChoiceField(label=_("Profession"), required=False)
    appointment_type = forms.ChoiceField(label=_("Kind of appointment"), required=False)
    time_of_day = forms.ChoiceField(
        label=_("Time of day"),
        required=False,
        choices=[("", _("Any time")), *TimeOfDay.choices],
        initial="",
        widget=forms.RadioSelect,
    )
    latest_date = forms.DateField(
        label=_("Last day that suits you"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    channel = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=[("sms", _("SMS")), ("email", _("E-mail"))],
        initial="sms",
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        help_text=_("If you chose SMS. A Norwegian mobile number; we send a code."),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("If you chose e-mail. We send a link to confirm it."),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(
        self,
        *args,
        clinic,
        practitioners,
        appointment_types,
        earliest_day,
        latest_day,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.earliest_day, self.latest_day = earliest_day, latest_day
        self.appointment_types = {kind.slug: kind for kind in appointment_types}
        choice_field(self, "appointment_type").choices = [
            ("", _("Any kind")),
            *(
                (kind.slug, _type_label(kind))
                for kind in self.appointment_types.values()
            ),
        ]
        self.fields["appointment_type"].error_messages["invalid_choice"] = _(
            "Choose a kind of appointment from the list."
        )
        self.fields["time_of_day"].error_messages["invalid_choice"] = _(
            "Choose morning, afternoon or any time."
        )
        self.practitioners = {str(p.pk): p for p in practitioners}
        choice_field(self, "practitioner").choices = [("", _("Any practitioner"))] + [
            (str(p.pk), f"{p.name} ({p.get_profession_display().lower()})")
            for p in practitioners
        ]
        professions = {p.profession for p in practitioners}
        choice_field(self, "profession").choices = [("", _("Any profession"))] + [
            (value, label)
            for value, label in Profession.choices
            if value in professions
        ]
        field = self.fields["latest_date"]
        field.initial = latest_day
        field.widget.attrs.update(
            min=earliest_day.isoformat(), max=latest_day.isoformat()
        )
        field.help_text = _("At the latest %(day)s, as far ahead as we book.") % {
            "day": date_format(latest_day, "SHORT_DAY_MONTH_FORMAT")
        }
        field.error_messages["required"] = _("Enter the last day that suits you.")
        field.error_messages["invalid"] = _(
            "Enter the date as day.month.year, for example 24.12.2026."
        )
        self.fields["practitioner"].error_messages["invalid_choice"] = _(
            "That practitioner does not work at this clinic."
        )
        self.fields["profession"].error_messages["invalid_choice"] = _(
            "No one of that profession works at this clinic."
        )
        for code in ("required", "invalid_choice"):
            self.fields["channel"].error_messages[code] = _("Choose SMS or e-mail.")
        self.fields["email"].error_messages["invalid"] = _(
            "Enter an e-mail address like name@example.no."
        )

    def clean_practitioner(self):
        value = self.cleaned_data["practitioner"]
        return self.practitioners[value] if value else None

    def clean_appointment_type(self):
        value = self.cleaned_data["appointment_type"]
        return self.appointment_types[value] if value else None

    def clean_latest_date(self):
        day = self.cleaned_data["latest_date"]
        if not self.earliest_day <= day <= self.latest_day:
            raise ValidationError(
                _("Choose a day from %(first)s to %(last)s.")
                % {
                    "first": date_format(self.earliest_day, "SHORT_DAY_MONTH_FORMAT"),
                    "last": date_format(self.latest_day, "SHORT_DAY_MONTH_FORMAT"),
                }
            )
        return day

    def clean(self):
        super().clean()
        data = self.cleaned_data
        channel = data.get("channel")
        if channel == "sms":
            if not data.get("phone"):
                if "phone" not in self.errors:
                    self.add_error("phone", _("Enter your mobile number."))
            else:
                try:
                    data["phone"] = normalise_norwegian_mobile(data["phone"])
                except ValidationError as error:
                    self.add_error("phone", error)
            data["email"] = ""
        elif channel == "email":
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", _("Enter your e-mail address."))
            data["phone"] = ""
        # Choices that no time could ever match are refused here, by the rules
        # the service applies.
        chosen = ("practitioner", "profession", "appointment_type", "time_of_day")
        if not any(name in self.errors for name in chosen):
            try:
                waitlist_choices_check(
                    clinic=self.clinic, **{name: data.get(name) for name in chosen}
                )
            except WaitlistError as error:
                field = error.field if error.field in self.fields else None
                self.add_error(field, error.message)
        return data


def _type_label(kind) -> str:
    note = AUDIENCE_NOTES.get(kind.audience)
    label = f"{kind.name}, {kind.duration_minutes} min"
    return f"{label} ({note})" if note else label


class WaitlistCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.help_text = ngettext(
            "We sent six digits by SMS. They work for %(minutes)s minute.",
            "We sent six digits by SMS. They work for %(minutes)s minutes.",
            settings.WAITLIST_CODE_MINUTES,
        ) % {"minutes": settings.WAITLIST_CODE_MINUTES}
        field.error_messages["required"] = _("Enter the six digits from the SMS.")
