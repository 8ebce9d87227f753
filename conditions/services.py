"""Writes with rules for conditions: the clinical sign-off."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conditions.models import Condition, WarningSign
from conditions.signoff import fingerprint, snapshot

# A signed-off text is due for its next review a year later.
REVIEW_INTERVAL = dt.timedelta(days=365)
FLAGS = (
    "needs_clinical_review",
    "needs_clinical_review_nb",
    "needs_clinical_review_en",
)


def condition_sign_off(
    *,
    condition: Condition,
    user,
    levels: dict[int, str] | None = None,
    seen: str | None = None,
) -> Condition:
    """Record that `user`, a clinician allowed to, has reviewed the whole condition
    (title, summary, parts and warning signs) today, confirming or changing the
    level of each warning sign (`levels`: {row id: level}, one for every row).

    `seen` is the fingerprint of the rows as the clinician read them: if an editor
    changed a row since, nothing is signed (ValidationError, code "stale"). The
    page then names the clinician and the date; every needs-review flag is cleared
    and the rows are kept as signed, for the next sign-off to compare with."""
    if not user.has_perm("conditions.sign_off_review"):
        raise PermissionDenied("Only clinical reviewers can sign off.")
    today = timezone.localdate()
    with transaction.atomic():
        locked = Condition.objects.select_for_update().get(pk=condition.pk)
        signs = list(
            WarningSign.objects.filter(condition=locked)
            .select_related("source")
            .order_by("order", "pk")
        )
        if seen is not None and seen != fingerprint(signs):
            raise ValidationError(
                _(
                    "The warning signs were changed while you were reading them. "
                    "Nothing was signed off: read them again as they are now."
                ),
                code="stale",
            )
        if levels is not None:
            _apply_levels(locked, signs, levels)
        locked.last_reviewed = today
        locked.reviewed_by = user
        locked.next_review = today + REVIEW_INTERVAL
        locked.signed_warning_signs = snapshot(signs)
        for flag in FLAGS:
            setattr(locked, flag, False)
        locked.save(
            update_fields=[
                "last_reviewed",
                "reviewed_by",
                "next_review",
                "signed_warning_signs",
                *FLAGS,
            ]
        )
        locked.parts.update(**dict.fromkeys(FLAGS, False))
        WarningSign.objects.filter(condition=locked).update(needs_clinical_review=False)
    condition.refresh_from_db()
    return condition


def _apply_levels(condition, signs, levels) -> None:
    valid = set(WarningSign.Level.values)
    missing = [sign for sign in signs if levels.get(sign.pk) not in valid]
    if missing:
        raise ValidationError(
            _("Choose a level for every warning sign: %(signs)s.")
            % {"signs": "; ".join(sign.text_nb for sign in missing)},
            code="level_missing",
        )
    if condition.status == Condition.Status.PUBLISHED and (
        WarningSign.Level.EMERGENCY not in {levels[sign.pk] for sign in signs} and signs
    ):
        raise ValidationError(
            _(
                "A published condition must keep at least one emergency sign "
                "(call 113)."
            ),
            code="last_emergency_sign",
        )
    for sign in signs:
        if sign.level != levels[sign.pk]:
            sign.level = levels[sign.pk]
            sign.save(update_fields=["level", "updated_at"])
