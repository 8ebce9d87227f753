"""What editors see about an article: readability, translation and review status."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from conditions.readability import Lix, lix

# Text fields shown to patients, per model (slugs and flags are not prose).
TEXT_FIELDS = {
    "Condition": ("title", "summary"),
    "ConditionPart": ("heading", "lead", "after"),
    "ConditionItem": ("text", "detail"),
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

    Counted over the condition, its parts and their items (prefetched)."""
    languages = [code for code, _name in settings.LANGUAGES]
    objects = [condition]
    for part in condition.parts.all():
        objects.append(part)
        objects.extend(part.items.all())
    missing = dict.fromkeys(languages, 0)
    for obj in objects:
        for field in TEXT_FIELDS[type(obj).__name__]:
            filled = {code: bool(_value(obj, field, code)) for code in languages}
            if any(filled.values()):
                for code in languages:
                    missing[code] += not filled[code]
    return [Completeness(code, missing[code]) for code in languages]


def parts_needing_review(condition) -> list:
    """Parts flagged for clinical review in any language (prefetched parts)."""
    languages = [code for code, _name in settings.LANGUAGES]
    return [
        part
        for part in condition.parts.all()
        if any(getattr(part, f"needs_clinical_review_{code}") for code in languages)
    ]


class ReviewState:
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    CURRENT = "current"


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
