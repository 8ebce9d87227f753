import datetime as dt
import unicodedata
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from booking.services import normalise_mobile, normalise_norwegian_mobile
from clinics.models import Profession


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, typed as one (its choices are set per form)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _privacy_label():
    """Made per form (in the request's language), with a link."""
    return format_html(
        gettext('I have read the <a href="{}">privacy notice</a>.'),
        reverse("pages:privacy"),
    )


# Unicode categories a name never needs: control, format (zero-width characters,
# bidi overrides, tag characters), surrogates, private use and unassigned.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def person_name(raw: str, message) -> str:
    """A patient's name as staff will read it: control and format characters
    (which can hide it or turn a printed list around) taken out, spaces folded;
    ValidationError(`message`) unless two characters are left, a letter among them."""
    kept = "".join(
        char for char in raw if unicodedata.category(char) not in INVISIBLE_CATEGORIES
    )
    name = " ".join(kept.split())
    if len(name) < 2 or not any(unicodedata.category(c).startswith("L") for c in name):
        raise ValidationError(message)
    return name


class SlotFilterForm(forms.Form):
    """What the day view shows (GET): which day, which week of days, grouped how,
    for which appointment type, profession or practitioner.

    Field names are English; the query names are DESIGN.md's Norwegian ones
    (`?dag=`, `?yrke=`, ...): QUERY_NAMES maps one to the other. Every field is
    optional; a value the clinic does not have is an error for that field alone."""

    QUERY_NAMES = {
        "appointment_type": "type",
        "profession": "yrke",
        "practitioner": "behandler",
        "day": "dag",
        "weeks": "uke",
        "grouping": "vis",
    }
    BY_PRACTITIONER, BY_TIME = "behandler", "tid"

    appointment_type = forms.ChoiceField(label=_("Appointment"), required=False)
    profession = forms.ChoiceField(label=_("Profession"), required=False)
    practitioner = forms.ChoiceField(label=_("Practitioner"), required=False)
    day = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], widget=forms.HiddenInput
    )
    weeks = forms.IntegerField(
        required=False, min_value=0, max_value=53, widget=forms.HiddenInput
    )
    grouping = forms.ChoiceField(
        required=False,
        choices=[(BY_PRACTITIONER, ""), (BY_TIME, "")],
        widget=forms.HiddenInput,
    )

    def __init__(
        self,
        *args,
        appointment_types,
        practitioners,
        earliest_day,
        latest_day,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.earliest_day, self.latest_day = earliest_day, latest_day
        self.appointment_types = {kind.slug: kind for kind in appointment_types}
        choice_field(self, "appointment_type").choices = [
            ("", _("Any appointment"))
        ] + [
            (
                kind.slug,
                f"{kind.name} ({kind.duration_minutes} min, {kind.price_nok} kr)",
            )
            for kind in appointment_types
        ]
        professions = sorted({p.profession for p in practitioners})
        choice_field(self, "profession").choices = [("", _("Any profession"))] + [
            (value, label)
            for value, label in Profession.choices
            if value in professions
        ]
        choice_field(self, "practitioner").choices = [("", _("Any practitioner"))] + [
            (str(p.pk), f"{p.name} ({p.get_profession_display().lower()})")
            for p in practitioners
        ]
        messages = {
            "appointment_type": _("This clinic does not offer that appointment."),
            "profession": _("No one of that profession works at this clinic."),
            "practitioner": _("That practitioner does not work at this clinic."),
            "grouping": _("Times can be shown by practitioner or by time."),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["invalid_choice"] = message
        self.fields["day"].error_messages["invalid"] = _("That date could not be read.")
        for code in ("invalid", "min_value", "max_value"):
            self.fields["weeks"].error_messages[code] = _(
                "Those weeks cannot be shown."
            )

    def add_prefix(self, field_name):
        return self.QUERY_NAMES.get(field_name, field_name)

    def clean_appointment_type(self):
        slug = self.cleaned_data["appointment_type"]
        return self.appointment_types[slug] if slug else None

    def clean_practitioner(self):
        value = self.cleaned_data["practitioner"]
        return int(value) if value else None

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day is not None and not self.earliest_day <= day <= self.latest_day:
            raise ValidationError(
                _("Appointments can be booked online from %(first)s to %(last)s.")
                % {
                    "first": date_format(self.earliest_day, "DAY_MONTH_FORMAT"),
                    "last": date_format(self.latest_day, "DAY_MONTH_FORMAT"),
                }
            )
        return day

    def clean_weeks(self):
        weeks = self.cleaned_data["weeks"]
        if weeks is not None and (
            self.earliest_day + dt.timedelta(weeks=weeks) > self.latest_day
        ):
            raise ValidationError(_("Those weeks cannot be shown."))
        return weeks

    def choices(self) -> dict:
        """The valid choices (cleaned), each field's own: a wrong practitioner does
        not undo a right appointment type."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "appointment_type": data.get("appointment_type"),
            "profession": data.get("profession") or "",
            "practitioner_id": data.get("practitioner"),
            "day": data.get("day"),
            "weeks": data.get("weeks"),
            "by_practitioner": data.get("grouping") != self.BY_TIME,
        }

    def query(self, **changes) -> str:
        """'?type=...&dag=...': the valid choices with `changes` (field names;
        None drops one), in the query names, for links between days and views."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {
            "appointment_type": (data.get("appointment_type") or None)
            and data["appointment_type"].slug,
            "profession": data.get("profession") or None,
            "practitioner": data.get("practitioner"),
            "grouping": data.get("grouping") or None,
        }
        values.update(changes)
        pairs = [
            (self.add_prefix(name), value)
            for name, value in values.items()
            if value is not None
        ]
        return "?" + urlencode(pairs) if pairs else "?"


class BookingForm(forms.Form):
    """Only what the clinic needs (DESIGN.md): no identity number, no health text."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        help_text=_(
            "The confirmation and a reminder come by SMS; the clinic also calls "
            "if your time has to change."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The confirmation and the cancel link go here."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    is_new_patient = forms.TypedChoiceField(
        label=_("Have you been a patient at this clinic before?"),
        choices=[("ny", _("No, I am a new patient")), ("tidligere", _("Yes"))],
        coerce=lambda value: value == "ny",
        widget=forms.RadioSelect,
    )
    privacy = forms.BooleanField(label="")
    # A field people never see; a bot that fills it in gets no booking.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    appointment_type = forms.ChoiceField(
        label=_("What kind of appointment?"), widget=forms.RadioSelect
    )

    field_order = [
        "appointment_type",
        "name",
        "phone",
        "email",
        "is_new_patient",
        "privacy",
    ]

    def __init__(self, *args, appointment_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment_types = {kind.slug: kind for kind in appointment_types}
        choice_field(self, "appointment_type").choices = [
            (
                kind.slug,
                f"{kind.name} – {kind.duration_minutes} min, {kind.price_nok} kr",
            )
            for kind in appointment_types
        ]
        self.fields["appointment_type"].error_messages["required"] = _(
            "Choose the kind of appointment."
        )
        self.fields["privacy"].label = _privacy_label()
        self.fields["name"].error_messages["required"] = _("Enter your full name.")
        self.fields["phone"].error_messages["required"] = _("Enter your mobile number.")
        self.fields["email"].error_messages["required"] = _(
            "Enter your e-mail address."
        )
        self.fields["email"].error_messages["invalid"] = _(
            "Enter an e-mail address like name@example.no."
        )
        self.fields["is_new_patient"].error_messages["required"] = _(
            "Say whether you have been a patient here before."
        )
        self.fields["privacy"].error_messages["required"] = _(
            "Tick the box to say you have read the privacy notice."
        )

    def clean_name(self):
        return person_name(self.cleaned_data["name"], _("Enter your full name."))

    def clean_phone(self):
        return normalise_mobile(self.cleaned_data["phone"])

    def clean_appointment_type(self):
        return self.appointment_types[self.cleaned_data["appointment_type"]]


class WaitlistForm(forms.Form):
    """Sign up for a clinic's waiting list: which times (optionally one
    practitioner or profession, up to a last day) and how to be told (SMS to a
    Norwegian mobile, or e-mail). The number or address is confirmed afterwards."""

    practitioner = forms.ChoiceField(label=_("Practitioner"), required=False)
    profession = forms.ChoiceField(label=_("Profession"), required=False)
    latest_date = forms.DateField(
        label=_("Last day that suits you"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    channel = forms.ChoiceField(
        label=_("How shall we tell you?"),
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

    def __init__(self, *args, practitioners, earliest_day, latest_day, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest_day, self.latest_day = earliest_day, latest_day
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
        return data


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
