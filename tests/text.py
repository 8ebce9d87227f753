"""Helpers for comparing what a page says with a text, whitespace aside."""

import re
from html.parser import HTMLParser

_SPACES = re.compile(r"[\s\u00a0]+")


def normalise(text: str) -> str:
    """The one normalisation allowed when comparing with the seed: runs of spaces,
    non-breaking spaces and hard line wraps count as one space."""
    return _SPACES.sub(" ", text).strip()


class _TextExtractor(HTMLParser):
    SKIP = {"script", "style", "head", "svg"}
    # Inline elements (a, em, span) join their text to what is around them.
    BLOCKS = {
        "p",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "div",
        "section",
        "br",
        "tr",
        "td",
        "th",
        "nav",
        "header",
        "footer",
        "main",
        "article",
        "table",
        "dl",
        "dt",
        "dd",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The visible text of an HTML page, normalised."""
    extractor = _TextExtractor()
    extractor.feed(html)
    return normalise("".join(extractor.parts))
