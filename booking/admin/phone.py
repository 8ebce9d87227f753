"""The one staff form for a patient on the phone or at the desk (the book's time,
and the booking list's "add")."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.forms import person_name
from booking.models import AppointmentType, Booking, Slot
from booking.services import normalise_phone


class PhonePatientForm(forms.Form):
    """A patient on the phone or at the desk, the one staff form for it (the book's
    time, and the booking list's "add" with its time field): a landline or no
    number will do (the clinic calls back; SMS go to mobiles only), an e-mail
    address is optional. Online bookings have their own rule (BookingForm: a
    mobile number is needed)."""

    # Labels as the public form words them (sentences, no colon, no "-----"
    # choice): the kinds that fit the time as radios, the first chosen when it
    # is the only one.
    appointment_type = forms.ModelChoiceField(
        label=gettext_lazy("What kind of appointment?"),
        queryset=AppointmentType.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=gettext_lazy("The patient's full name"), max_length=120
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy(
            "A mobile number gets the SMS; a landline or none: the clinic calls."
        ),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        required=False,
        help_text=gettext_lazy("If the patient wants the confirmation by e-mail."),
    )
    is_new_patient = forms.BooleanField(
        label=gettext_lazy("New patient: the first time at this clinic"),
        required=False,
    )

    def __init__(self, *args, slot: Slot | None = None, **kwargs):
        """With `slot`, the kinds of appointment that fit it; else every bookable
        kind (the service refuses one that does not fit the time chosen)."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["appointment_type"]
        assert isinstance(field, forms.ModelChoiceField)
        kinds = AppointmentType.objects.filter(is_active=True)
        if slot is not None:
            kinds = kinds.filter(
                pk__in=[
                    kind.pk
                    for kind in kinds
                    if kind.offered_by(slot.practitioner.profession)
                    and kind.fits_in(slot)
                ]
            )
        field.queryset = kinds
        field.error_messages["required"] = _("Choose the kind of appointment.")
        if len(kinds) == 1 and not self.is_bound:
            self.initial.setdefault("appointment_type", kinds[0].pk)

    def clean_name(self):
        return person_name(
            self.cleaned_data["name"], _("Enter the patient's full name.")
        )

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def booking_values(self) -> dict:
        """booking_create's arguments but the time, for a valid form: the patient
        as typed, booked by phone (the patient has not read the privacy notice
        here; the confirmation links to it)."""
        data = self.cleaned_data
        return {
            "appointment_type": data["appointment_type"],
            "name": data["name"],
            "phone": data["phone"],
            "email": data["email"],
            "is_new_patient": data["is_new_patient"],
            "privacy_notice_read": False,
            "channel": Booking.Channel.PHONE,
        }
