from django import forms
from django.utils.translation import gettext_lazy as _


class ComponentDemoForm(forms.Form):
    """Only for the components page: shows the field and error summary with errors."""

    name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(
        label=_("Mobile number"),
        help_text=_("8 digits, for example 912 34 567"),
        min_length=8,
        max_length=15,
    )
