import codecs
import logging
import re

from django.core.exceptions import BadRequest
from django.db import InternalError, OperationalError
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.http import parse_header_parameters

from nemus_site.models import Redirect

logger = logging.getLogger(__name__)

# C0 control characters and DEL: no path or query value of ours holds one, and
# PostgreSQL cannot store NUL at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def is_read_only_error(error) -> bool:
    """The database refuses writes: SQLite's read-only file (or query_only), or
    PostgreSQL's read-only transaction (SQLSTATE 25006: a replica, a full disk
    turned read-only, default_transaction_read_only)."""
    if not isinstance(error, (OperationalError, InternalError)):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) == "25006":
        return True
    return "readonly database" in str(error) or "read-only" in str(error)


class ReadOnlyDatabaseMiddleware:
    """A write the database refuses gets a kind 503 page in the page's language
    (reads go on working) and one error line in the log, instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_read_only_error(exception):
            return None
        logger.error("database refuses writes: %s", type(exception).__name__)
        response = render(request, "503_read_only.html", status=503)
        response["Retry-After"] = "120"
        return response


class UnstorableInputMiddleware:
    """Answer 400 to a path or query string with control characters (NUL above
    all), before any view, filter or lookup can pass them to the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path) or any(
            CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
            for key, values in request.GET.lists()
            for value in values
        ):
            raise BadRequest("Control characters in the path or query string.")
        return self.get_response(request)


# The text encodings a form body may be sent in: browsers send our forms as UTF-8
# (every page is UTF-8); ASCII is a part of it.
READABLE_CHARSETS = {"utf-8", "ascii"}


class UndecodableBodyMiddleware:
    """Answer 400, in the page's language, to a body labelled with a charset other
    than UTF-8 (utf-16, utf-7, an unknown one...), before the CSRF check or a view
    reads it: decoding it fails or gives nonsense, and Django's own 400 page read
    it again, which made it a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _kind, params = parse_header_parameters(request.headers.get("content-type", ""))
        charset = params.get("charset", "").strip().strip('"')
        if charset and self.unreadable(charset):
            # Answered here: no later middleware or view reads the body. Should
            # anything still ask, it is read as UTF-8.
            request.encoding = "utf-8"
            logger.info("body refused: charset %r", charset[:40])
            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def unreadable(charset: str) -> bool:
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            return True
        return name not in READABLE_CHARSETS


class RedirectFallbackMiddleware:
    """On a 404, look the path up among the staff-kept redirects and answer 301."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        candidates = {request.path}
        # Old addresses are kept with or without their trailing slash.
        candidates.add(
            request.path.rstrip("/")
            if request.path.endswith("/")
            else request.path + "/"
        )
        redirect = Redirect.objects.filter(old_path__in=candidates).first()
        if redirect is None:
            return response
        return HttpResponsePermanentRedirect(redirect.new_path)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: what the browser may use, and who may
    embed our responses."""

    PERMISSIONS_POLICY = (
        "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
        "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
