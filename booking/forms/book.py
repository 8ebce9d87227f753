"""The booking form a patient fills in for a time."""

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.formatting import nok
from booking.forms.fields import choice_field, person_name, privacy_label
from booking.services import NoTypeForPatient, TypeNotForPatient, normalise_mobile


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
            "if your appointment has to change."
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
                f"{kind.name} – {kind.duration_minutes} min, {nok(kind.price)}",
            )
            for kind in appointment_types
        ]
        self.fields["appointment_type"].error_messages["required"] = _(
            "Choose the kind of appointment."
        )
        self.fields["privacy"].label = privacy_label()
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

    def clean(self):
        cleaned = super().clean() or {}
        kind = cleaned.get("appointment_type")
        new_patient = cleaned.get("is_new_patient")
        if new_patient is None:
            return cleaned
        if not any(t.is_for(new_patient) for t in self.appointment_types.values()):
            # Nothing offered at this time is for them: another time, not another
            # type.
            self.add_error(None, NoTypeForPatient(new_patient=new_patient).message)
        elif kind is not None and not kind.is_for(new_patient):
            self.add_error(
                "appointment_type",
                TypeNotForPatient(kind, new_patient=new_patient).message,
            )
        return cleaned
