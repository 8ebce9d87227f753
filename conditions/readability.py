"""LIX, the Scandinavian readability index (Björnsson 1968).

    LIX = words / sentences + 100 × long words / words

where a long word has more than six letters. Below 30 is very easy, 30–40 easy
(most patient information), 40–50 medium (newspapers), 50–60 hard, above 60 very
hard (specialist text). The same formula serves Norwegian and English.

Counting, kept simple and stated so hand counts agree:
- a word is a run of letters (digits, hyphens and apostrophes inside it join it:
  "L5-S1" and "don't" are one word each); numbers alone are not words;
- a sentence ends at ".", "!", "?" or ":" followed by a space or the end, and at each
  line break (each list item is a sentence of its own); a text with words in it has
  at least one sentence;
- letters are counted without the joining hyphens and apostrophes.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# A letter, then letters and digits, with single hyphens or apostrophes inside.
WORD = re.compile(r"[^\W\d_](?:[^\W_]|[-'’](?=[^\W_]))*")
SENTENCE_END = re.compile(r"[.!?:](?=\s|$)|\n+")
HARD = 40  # above this, many patients find a text hard


@dataclass(frozen=True)
class Lix:
    words: int
    sentences: int
    long_words: int

    @property
    def score(self) -> float | None:
        if not self.words:
            return None
        return self.words / self.sentences + 100 * self.long_words / self.words

    @property
    def is_hard(self) -> bool:
        return self.score is not None and self.score > HARD

    def __add__(self, other: "Lix") -> "Lix":
        return Lix(
            self.words + other.words,
            self.sentences + other.sentences,
            self.long_words + other.long_words,
        )


def _letters(word: str) -> int:
    return sum(ch.isalpha() for ch in word)


def lix(text: str) -> Lix:
    words = WORD.findall(text or "")
    if not words:
        return Lix(0, 0, 0)
    pieces = [p for p in SENTENCE_END.split(text) if WORD.search(p)]
    return Lix(
        words=len(words),
        sentences=max(1, len(pieces)),
        long_words=sum(_letters(word) > 6 for word in words),
    )


def describe(score: float | None) -> str:
    """A plain-language word for a score (English; translated where shown)."""
    if score is None:
        return ""
    if score < 30:
        return _("very easy")
    if score <= HARD:
        return _("easy")
    if score <= 50:
        return _("medium: hard for many patients")
    if score <= 60:
        return _("hard")
    return _("very hard")
