"""A condition's warning signs, grouped by level, as every page shows them.

The article shows the full form (each sign with why it matters, and the sources);
the home page, the booking pages, the confirmation and its e-mail show the short
form. Both come from the same rows (conditions.models.WarningSign); no page keeps
its own wording.
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from conditions.models import WarningSign

Level = WarningSign.Level

# The callout component's level for each sign level.
CALLOUT = {
    Level.EMERGENCY: "emergency",
    Level.SAME_DAY: "urgent",
    Level.NOT_BETTER: "info",
}


@dataclass
class LevelGroup:
    level: str
    signs: list = field(default_factory=list)
    heading: str = ""

    @property
    def callout(self) -> str:
        return CALLOUT[self.level]

    @property
    def anchor(self) -> str:
        return f"warning-{self.level.replace('_', '-')}"

    @property
    def runs(self) -> list["Run"]:
        """The signs in lists: signs next to each other that share their "why it
        matters" (the cauda equina signs) form one list with it said once after
        it; the others are listed with their own."""
        runs: list[Run] = []
        signs = self.signs
        index = 0
        while index < len(signs):
            detail = signs[index].detail
            end = index + 1
            while detail and end < len(signs) and signs[end].detail == detail:
                end += 1
            if end - index > 1:
                runs.append(Run(signs[index:end], shared=detail))
            elif runs and not runs[-1].shared:
                runs[-1].signs.append(signs[index])
            else:
                runs.append(Run([signs[index]]))
            index = end
        return runs


@dataclass
class Run:
    signs: list
    shared: str = ""

    @property
    def shared_language(self) -> str:
        return self.signs[0].shown_language


@dataclass
class WarningSigns:
    condition: object
    groups: list

    @property
    def subject(self) -> str:
        return self.condition.warning_subject

    @property
    def sources(self) -> list:
        """The sources of the signs, each once, in the order the signs cite them."""
        seen = {}
        for group in self.groups:
            for sign in group.signs:
                seen.setdefault(sign.source_id, sign.source)
        return list(seen.values())

    @property
    def has_untranslated(self) -> bool:
        current = translation.get_language()
        return any(
            sign.shown_language != current
            for group in self.groups
            for sign in group.signs
        )

    def headings(self) -> dict:
        subject = self.subject
        if subject:
            return {
                Level.EMERGENCY: _("Call 113 at once if you have %(subject)s and")
                % {"subject": subject},
                Level.SAME_DAY: _(
                    "Contact your GP the same day if you have %(subject)s and"
                )
                % {"subject": subject},
                Level.NOT_BETTER: _("See your GP or one of our clinics if"),
            }
        return {
            Level.EMERGENCY: _("Call 113 at once if you have"),
            Level.SAME_DAY: _("Contact your GP the same day if you have"),
            Level.NOT_BETTER: _("See your GP or one of our clinics if"),
        }


def warning_signs_of(condition) -> WarningSigns | None:
    """The condition's signs (prefetched with with_warning_signs) grouped by level,
    most urgent first; None when it has none."""
    if condition is None:
        return None
    groups = {level: LevelGroup(level) for level in Level.values}
    for sign in condition.warning_signs.all():
        groups[sign.level].signs.append(sign)
    found = [group for group in groups.values() if group.signs]
    if not found:
        return None
    signs = WarningSigns(condition, found)
    headings = signs.headings()
    for group in found:
        group.heading = headings[group.level]
    return signs
