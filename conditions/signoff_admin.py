"""The admin's clinical sign-off page (ConditionAdmin's `godkjenn/` view)."""

import reversion
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from conditions.editorial import texts_needing_review
from conditions.forms import SignOffForm
from conditions.models import Condition
from conditions.services import condition_sign_off
from conditions.signoff import changes_since_sign_off, fingerprint


def signed(condition) -> str:
    message = _("Signed off: the page now says it was reviewed by %(name)s today.")
    return message % {"name": condition.reviewer_name}


class SignOffAdminMixin:
    """For ConditionAdmin: a page that shows a clinician every warning sign beside
    its source sentence and what changed since the last sign-off, and signs off."""

    def sign_off_view(self, request, object_id):
        """A clinical reviewer's sign-off: every warning sign with its source
        sentence and what changed since the last sign-off, a level to confirm or
        change for each, and one button."""
        if not request.user.has_perm("conditions.sign_off_review"):
            raise PermissionDenied
        condition = get_object_or_404(Condition.objects.with_parts(), pk=object_id)
        signs = list(
            condition.warning_signs.select_related("source").order_by("order", "pk")
        )
        form = SignOffForm(
            request.POST if request.method == "POST" else None,
            signs=signs,
            initial={"seen": fingerprint(signs)},
        )
        if form.is_valid():
            try:
                self.sign_off(request, condition, form)
            except ValidationError as error:
                if error.code != "stale":
                    form.add_error(None, error)
                else:
                    self.message_user(request, error.messages[0], messages.ERROR)
                    return redirect("admin:conditions_condition_sign_off", object_id)
            else:
                self.message_user(request, signed(condition), messages.SUCCESS)
                return redirect("admin:conditions_condition_change", condition.pk)
        changes = changes_since_sign_off(condition, signs)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": condition,
            "form": form,
            "rows": [(row, form[form.field_name(row.sign)]) for row in changes.rows],
            "changes": changes,
            "other_texts": [
                str(name).rstrip(".:")
                for name in texts_needing_review(condition)
                if name != _("Warning signs")
            ],
            "title": _("Clinical sign-off: %(title)s") % {"title": condition.title},
        }
        return TemplateResponse(
            request, "admin/conditions/condition/sign_off.html", context
        )

    def sign_off(self, request, condition, form) -> None:
        """Sign off as one revision in the history, with the clinician named."""
        with reversion.create_revision():
            condition_sign_off(
                condition=condition,
                user=request.user,
                levels=form.levels(),
                seen=form.cleaned_data["seen"],
            )
            reversion.set_user(request.user)
            reversion.set_comment(_("Clinical review signed off"))
            reversion.add_to_revision(condition)
