"""What a clinician signs off about a condition's warning signs, and what changed
since the last sign-off.

At a sign-off the condition keeps a snapshot of its warning signs (their level,
wording and source, by row id: Condition.signed_warning_signs). The next sign-off
form compares the rows with it: new rows, changed fields (level first) and rows
removed since. A fingerprint of the rows as the form showed them makes sure a
clinician signs what they read, not rows an editor changed meanwhile."""

import hashlib
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from conditions.models import WarningSign

LEVELS = dict(WarningSign.Level.choices)

# What a clinician vouches for in a row, in the order changes are listed.
SIGNED_FIELDS = (
    "level",
    "text_nb",
    "text_en",
    "detail_nb",
    "detail_en",
    "source",
    "source_quote",
)
LABELS = {
    "level": _("level"),
    "text_nb": _("sign (Norwegian)"),
    "text_en": _("sign (English)"),
    "detail_nb": _("why it matters (Norwegian)"),
    "detail_en": _("why it matters (English)"),
    "source": _("source"),
    "source_quote": _("source sentence"),
}


def _value(sign, name: str) -> str:
    if name == "source":
        return str(sign.source)
    return getattr(sign, name) or ""


def snapshot(signs) -> list[dict]:
    """The rows as a sign-off keeps them (JSON)."""
    return [
        {"id": sign.pk, **{name: _value(sign, name) for name in SIGNED_FIELDS}}
        for sign in signs
    ]


def fingerprint(signs) -> str:
    """A short digest of the rows' signed fields and order: equal only when the
    rows are as they were shown."""
    payload = json.dumps(snapshot(signs), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass
class FieldChange:
    name: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return str(LABELS[self.name])

    def _shown(self, value: str) -> str:
        if self.name == "level" and value in LEVELS:
            return str(LEVELS[value])
        return value

    @property
    def before_shown(self) -> str:
        return self._shown(self.before)

    @property
    def after_shown(self) -> str:
        return self._shown(self.after)


@dataclass
class RowChange:
    """One current row against the last sign-off: new, changed or unchanged."""

    sign: object
    new: bool
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new or bool(self.fields)

    @property
    def level_changed(self) -> bool:
        return any(change.name == "level" for change in self.fields)


@dataclass
class Changes:
    rows: list[RowChange]
    removed: list[dict]
    signed_before: bool

    @property
    def count(self) -> int:
        return sum(row.changed for row in self.rows) + len(self.removed)


def changes_since_sign_off(condition, signs) -> Changes:
    """Each current row against the condition's last sign-off snapshot."""
    before = {row["id"]: row for row in condition.signed_warning_signs or []}
    rows = []
    for sign in signs:
        old = before.pop(sign.pk, None)
        if old is None:
            rows.append(RowChange(sign, new=True))
            continue
        fields = [
            FieldChange(name, old.get(name, ""), _value(sign, name))
            for name in SIGNED_FIELDS
            if old.get(name, "") != _value(sign, name)
        ]
        rows.append(RowChange(sign, new=False, fields=fields))
    return Changes(
        rows=rows,
        removed=[
            {**row, "level_label": str(LEVELS.get(row.get("level"), "–"))}
            for row in before.values()
        ],
        signed_before=bool(condition.signed_warning_signs),
    )
