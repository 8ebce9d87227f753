from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking.services import normalise_mobile
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


class SlotFilterForm(forms.Form):
    """Filters above the open times (GET): type, profession, practitioner."""

    type = forms.ChoiceField(label=_("Appointment"), required=False)
    yrke = forms.ChoiceField(label=_("Profession"), required=False)
    behandler = forms.ChoiceField(label=_("Practitioner"), required=False)
    uke = forms.IntegerField(
        required=False, min_value=0, max_value=52, widget=forms.HiddenInput
    )

    def __init__(self, *args, appointment_types, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "type").choices = [("", _("Any appointment"))] + [
            (
                kind.slug,
                f"{kind.name} ({kind.duration_minutes} min, {kind.price_nok} kr)",
            )
            for kind in appointment_types
        ]
        professions = sorted({p.profession for p in practitioners})
        choice_field(self, "yrke").choices = [("", _("Any profession"))] + [
            (value, label)
            for value, label in Profession.choices
            if value in professions
        ]
        choice_field(self, "behandler").choices = [("", _("Any practitioner"))] + [
            (str(p.pk), f"{p.name} ({p.get_profession_display().lower()})")
            for p in practitioners
        ]


class BookingForm(forms.Form):
    """Only what the clinic needs (DESIGN.md): no identity number, no health text."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        help_text=_("The clinic uses it only if your time has to change."),
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
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise ValidationError(_("Enter your full name."))
        return name

    def clean_phone(self):
        return normalise_mobile(self.cleaned_data["phone"])

    def clean_appointment_type(self):
        return self.appointment_types[self.cleaned_data["appointment_type"]]
