"""The day view's filters, read from the address (Norwegian query keys, English names
in code)."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from booking.formatting import nok
from booking.forms.fields import choice_field, new_patient_from, new_patient_value
from clinics.models import Profession


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
        "new_patient": "ny",
    }
    BY_PRACTITIONER, BY_TIME = "behandler", "tid"

    new_patient = forms.ChoiceField(
        label=_("First time with us?"),
        required=False,
        choices=[
            ("", _("Not said")),
            ("1", _("Yes, first time")),
            ("0", _("No, I have been here before")),
        ],
    )
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
                f"{kind.name} ({kind.duration_minutes} min, {nok(kind.price)})",
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
            "grouping": _(
                "Appointments can be shown by practitioner or by time of day."
            ),
            "new_patient": _("Answer “first time with us?” with yes or no."),
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

    def clean_new_patient(self):
        return new_patient_from(self.cleaned_data["new_patient"])

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
            "new_patient": data.get("new_patient"),
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
            "new_patient": new_patient_value(data.get("new_patient")),
        }
        values.update(changes)
        pairs = [
            (self.add_prefix(name), value)
            for name, value in values.items()
            if value is not None
        ]
        return "?" + urlencode(pairs) if pairs else "?"
