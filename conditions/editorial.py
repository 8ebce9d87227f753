"""What editors see about an article: readability, translation and review status."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conditions.readability import Lix, lix

# Text fields shown to patients, per model (slugs and flags are not prose).
TEXT_FIELDS = {
    "Condition": ("title", "summary"),
    "ConditionPart": ("heading", "lead", "after"),
    "ConditionItem": ("text", "detail"),
    "WarningSign": ("text", "detail"),
}
DUE_SOON_DAYS = 30


def _value(obj, field: str, language: str) -> str:
    return (getattr(obj, f"{field}_{language}", "") or "").strip()


def part_text(part, language: str) -> str:
    """A part as patients read it, one sentence per heading, item and paragraph."""
    lines = [_value(part, "heading", language), _value(part, "lead", language)]
    for item in part.items.all():
        lines += [_value(item, "text", language), _value(item, "detail", language)]
    lines.append(_value(part, "after", language))
    return "\n".join(line for line in lines if line)


def part_readability(part, language: str) -> Lix:
    return lix(part_text(part, language))


def condition_readability(condition, language: str) -> Lix:
    total = lix(
        "\n".join(
            [
                _value(condition, "title", language),
                _value(condition, "summary", language),
            ]
        )
    )
    for part in condition.parts.all():
        total = total + part_readability(part, language)
    return total


@dataclass(frozen=True)
class Completeness:
    language: str
    missing: int

    @property
    def complete(self) -> bool:
        return self.missing == 0


def translation_completeness(condition) -> list[Completeness]:
    """Per language: texts that another language has and this one lacks.

    Counted over the condition, its parts and their items, and its warning signs
    (prefetched)."""
    languages = [code for code, _name in settings.LANGUAGES]
    objects = [condition]
    for part in condition.parts.all():
        objects.append(part)
        objects.extend(part.items.all())
    objects.extend(condition.warning_signs.all())
    missing = dict.fromkeys(languages, 0)
    for obj in objects:
        for field in TEXT_FIELDS[type(obj).__name__]:
            filled = {code: bool(_value(obj, field, code)) for code in languages}
            if any(filled.values()):
                for code in languages:
                    missing[code] += not filled[code]
    return [Completeness(code, missing[code]) for code in languages]


def _flagged(obj) -> bool:
    return any(
        getattr(obj, f"needs_clinical_review_{code}")
        for code, _name in settings.LANGUAGES
    )


def texts_needing_review(condition) -> list:
    """What is flagged for clinical review in any language: the title and summary,
    the warning signs, and each flagged part by its heading (prefetched)."""
    names = [_("Title and summary")] if _flagged(condition) else []
    if any(sign.needs_clinical_review for sign in condition.warning_signs.all()):
        names.append(_("Warning signs"))
    return names + [str(part) for part in condition.parts.all() if _flagged(part)]


class ReviewState:
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    CURRENT = "current"


REVIEW_LABELS = {
    ReviewState.OVERDUE: _("Overdue"),
    ReviewState.DUE_SOON: _("Due within 30 days"),
    ReviewState.CURRENT: _("Up to date"),
}


def review_q(state: str, today: dt.date | None = None) -> Q:
    """Conditions in a review state, as a query filter (the same rule as
    review_state, for the admin's list filter and front page)."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    never = Q(last_reviewed__isnull=True) | Q(next_review__isnull=True)
    if state == ReviewState.OVERDUE:
        return never | Q(next_review__lt=today)
    if state == ReviewState.DUE_SOON:
        return ~never & Q(next_review__gte=today, next_review__lte=soon)
    return ~never & Q(next_review__gt=soon)


def review_state(condition, today: dt.date | None = None) -> str:
    """Overdue: never reviewed, or the next review date has passed (or is unset).
    Due soon: the next review falls within DUE_SOON_DAYS days."""
    today = today or timezone.localdate()
    if not condition.last_reviewed or not condition.next_review:
        return ReviewState.OVERDUE
    if condition.next_review < today:
        return ReviewState.OVERDUE
    if condition.next_review <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return ReviewState.DUE_SOON
    return ReviewState.CURRENT
