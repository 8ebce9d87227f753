from django.http import HttpResponsePermanentRedirect

from nemus_site.models import Redirect


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
