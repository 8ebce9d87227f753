import re

from django.core.exceptions import BadRequest
from django.http import HttpResponsePermanentRedirect

from nemus_site.models import Redirect

# C0 control characters and DEL: no path or query value of ours holds one, and
# PostgreSQL cannot store NUL at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


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
