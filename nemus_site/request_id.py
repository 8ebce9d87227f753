"""A request id for every request: in each log line and the X-Request-ID header.

Kept apart from the other middleware so the logging set-up can import it before the
apps (and their models) are loaded.
"""

import logging
import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives each request an id (a proxy's X-Request-ID when it looks like one), for
    the logs and the response header, so one request can be followed through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx and 5xx responses after the
        # middleware has returned, and those lines need the id too. The next request
        # sets its own.
        _request_id.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True
