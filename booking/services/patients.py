"""A patient's details as the services keep them: phone numbers checked and written one
way."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalise_mobile(raw: str) -> str:
    """A Norwegian mobile number in E.164 (+4791234567), or ValidationError."""
    try:
        number = phonenumbers.parse(raw, "NO")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Enter a mobile number, for example 912 34 567.")
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a mobile number, for example 912 34 567."))
    kind = phonenumbers.number_type(number)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _(
                "Enter a mobile number, so the clinic can reach you if the "
                "appointment changes."
            )
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(raw: str) -> str:
    """Any phone number (a landline too) in E.164, or "" when none is given: for
    bookings staff take by phone, where the clinic calls back."""
    if not raw.strip():
        return ""
    try:
        number = phonenumbers.parse(raw, "NO")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Enter a phone number, for example 22 33 44 55, or leave it empty.")
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a phone number, for example 22 33 44 55, or leave it empty.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(number: str) -> bool:
    """Whether an E.164 number can take an SMS (a mobile, or one that may be)."""
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(number, "NO"))
    except phonenumbers.NumberParseException:
        return False
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
