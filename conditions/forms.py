from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from conditions.models import Condition, WarningSign
from conditions.signoff import SIGNED_FIELDS

NB_FIELDS = ("text_nb", "detail_nb")
EN_FIELDS = ("text_en", "detail_en")
# What a clinician signs off in a row: changing any of them makes it a proposal.
REVIEWED_FIELDS = SIGNED_FIELDS


class WarningSignForm(forms.ModelForm):
    """A warning sign in the admin, with the source sentence that supports it.

    A new row, or a change to its level, wording or source, is a proposal: the row
    is flagged for clinical review, whoever edits it; only a clinician's sign-off
    (conditions.services) clears the flag. A change to the Norwegian text that
    leaves the English untouched marks the English as needing an update; editing
    the English clears the mark."""

    class Meta:
        model = WarningSign
        fields = [
            "order",
            "level",
            "text_nb",
            "text_en",
            "detail_nb",
            "detail_en",
            "source",
            "source_heading",
            "source_quote",
            "level_note",
        ]
        widgets = {
            "source_quote": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "level_note": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def clean(self):
        cleaned = super().clean()
        changed = set(self.changed_data)
        if changed & set(EN_FIELDS):
            self.instance.english_outdated = False
        elif self.instance.pk and changed & set(NB_FIELDS):
            self.instance.english_outdated = True
        if not self.instance.pk or changed & set(REVIEWED_FIELDS):
            self.instance.needs_clinical_review = True
        return cleaned


class WarningSignFormSet(BaseInlineFormSet):
    """A published condition keeps at least one emergency-level sign: its last one
    cannot be deleted or moved to another level."""

    def clean(self):
        super().clean()
        condition = self.instance
        if condition.status != Condition.Status.PUBLISHED or not condition.pk:
            return
        had_emergency = WarningSign.objects.filter(
            condition=condition, level=WarningSign.Level.EMERGENCY
        ).exists()
        if not had_emergency:
            return
        kept = [
            form
            for form in self.forms
            if (form.has_changed() or form.instance.pk)
            and getattr(form, "cleaned_data", None)
            and not (self.can_delete and form.cleaned_data.get("DELETE"))
        ]
        levels = {form.cleaned_data.get("level") for form in kept}
        if WarningSign.Level.EMERGENCY not in levels:
            raise ValidationError(
                _(
                    "A published condition must keep at least one emergency sign "
                    "(call 113). Add another before you delete or move this one."
                ),
                code="last_emergency_sign",
            )


class SignOffForm(forms.Form):
    """A clinician's sign-off: a level for every warning sign, confirmed or changed,
    and the fingerprint of the rows as the form showed them."""

    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, signs, **kwargs):
        super().__init__(*args, **kwargs)
        self.signs = signs
        for sign in signs:
            self.fields[self.field_name(sign)] = forms.ChoiceField(
                label=_("Level for “%(sign)s”") % {"sign": sign.text_nb},
                choices=WarningSign.Level.choices,
                initial=sign.level,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(sign) -> str:
        return f"level_{sign.pk}"

    def levels(self) -> dict[int, str]:
        return {
            sign.pk: self.cleaned_data[self.field_name(sign)] for sign in self.signs
        }
