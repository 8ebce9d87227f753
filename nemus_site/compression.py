"""Pages compressed by Django, once, so `make run` and any front get them compressed.

Brotli (the `Brotli` package WhiteNoise already uses for static files) where the
client accepts it and the page is public: a page a shared cache may keep
(`Cache-Control: public`) has no form token and no personal data, so there is
nothing on it for a BREACH attack to guess. Every other page, a form with its token
or a page with personal data, is gzipped by Django's own GZipMiddleware, which pads
the gzip header with up to 100 random bytes ("Heal the Breach", Django 4.2+) on top
of the CSRF token being masked anew on every response. A front (nginx) passes
these responses through and compresses only what Django did not.
"""

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

# Quality 5: a little smaller than gzip -6 and about as quick (pages are compressed
# on every request; public pages kept whole are compressed once, the same way:
# nemus_site/page_cache.py); 11 would take tens of milliseconds.
BROTLI_QUALITY = 5
MIN_LENGTH = 200  # as GZipMiddleware: shorter is not worth it


def accepts(header: str, coding: str) -> bool:
    """Whether an Accept-Encoding value accepts `coding` (q=0 refuses it)."""
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() != coding:
            continue
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


def _public(response) -> bool:
    directives = {
        part.strip().split("=")[0].lower()
        for part in response.get("Cache-Control", "").split(",")
    }
    return "public" in directives and not directives & {"private", "no-store"}


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if (
            response.streaming
            or len(response.content) < MIN_LENGTH
            or response.has_header("Content-Encoding")
            or not _public(response)
            or response.cookies
            or not accepts(request.headers.get("accept-encoding", ""), "br")
        ):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = brotli.compress(response.content, quality=BROTLI_QUALITY)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "br"
        return response
