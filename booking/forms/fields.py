"""What the booking forms share: a name with a visible letter, the privacy notice's
label, a choice field by name."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

# "First time with us?" in the address (DESIGN.md): ?ny=1 yes, ?ny=0 no.
NEW_PATIENT_ANSWERS = {"1": True, "0": False}


def new_patient_from(value: str) -> bool | None:
    """The answer a `?ny=` value gives; None when it gives none."""
    return NEW_PATIENT_ANSWERS.get(value)


def new_patient_value(new_patient: bool | None) -> str | None:
    """The `?ny=` value of an answer; None for no answer."""
    if new_patient is None:
        return None
    return "1" if new_patient else "0"


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, typed as one (its choices are set per form)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def privacy_label():
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
