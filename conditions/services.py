"""Writes with rules for conditions: the clinical sign-off."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from conditions.models import Condition

# A signed-off text is due for its next review a year later.
REVIEW_INTERVAL = dt.timedelta(days=365)


def condition_sign_off(*, condition: Condition, user) -> Condition:
    """Record that `user`, a clinician allowed to, has reviewed the whole condition
    (title, summary, parts and warning signs) today. The page then names them and
    the date; every needs-review flag is cleared."""
    if not user.has_perm("conditions.sign_off_review"):
        raise PermissionDenied("Only clinical reviewers can sign off.")
    today = timezone.localdate()
    flags = {
        "needs_clinical_review": False,
        "needs_clinical_review_nb": False,
        "needs_clinical_review_en": False,
    }
    with transaction.atomic():
        Condition.objects.filter(pk=condition.pk).update(
            last_reviewed=today,
            reviewed_by=user,
            next_review=today + REVIEW_INTERVAL,
            **flags,
        )
        condition.parts.update(**flags)
        condition.warning_signs.update(needs_clinical_review=False)
    condition.refresh_from_db()
    return condition
