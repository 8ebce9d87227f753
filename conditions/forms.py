from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from conditions.models import Condition, WarningSign

NB_FIELDS = ("text_nb", "detail_nb")
EN_FIELDS = ("text_en", "detail_en")


class WarningSignForm(forms.ModelForm):
    """A warning sign in the admin. A change to the Norwegian text that leaves the
    English untouched marks the English as needing an update; editing the English
    clears the mark."""

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
            "needs_clinical_review",
        ]

    def clean(self):
        cleaned = super().clean()
        changed = set(self.changed_data)
        if changed & set(EN_FIELDS):
            self.instance.english_outdated = False
        elif self.instance.pk and changed & set(NB_FIELDS):
            self.instance.english_outdated = True
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
