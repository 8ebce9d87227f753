"""Signed tokens out of log lines.

A cancel link (and later change links and calendar feeds) carries a token in its
path; whoever reads a log line with it could open and cancel that booking. Any path
segment that looks like a token is replaced before a line is written, by gunicorn's
access log (nemus_site.gunicorn_logging) and by a filter on Django's loggers.

A token here: a whole path segment of 20 or more characters of the URL-safe base64
alphabet (and colons), with a digit, a capital or a colon in it, after an optional
leading dot (Django's compressed signed values), ending the path or before ".ics" (a
calendar feed). Slugs (lowercase words and hyphens),
ids and hashed static file names (with their dots) are left as they are.
No Django import: gunicorn loads this before the app.
"""

import logging
import re

REDACTED = "[token]"
_TOKEN = re.compile(
    r"(?<=/)\.?(?=[A-Za-z0-9_:-]*[A-Z0-9:])[A-Za-z0-9_:-]{20,}(?=/|\.ics\b|$)"
)


def redact_path(text: str) -> str:
    return _TOKEN.sub(REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """Redacts tokens in a record's message, its arguments and the request Django
    attaches to it (which a JSON formatter would otherwise print)."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_path(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = redact_path(
                f"{getattr(request, 'method', '')} {getattr(request, 'path', '')}"
            )
        return True
