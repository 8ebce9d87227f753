"""Whole public pages from the cache, for visitors without a session.

A view with `PublicPageMixin` says its response is the same
for every visitor without a session: no form token, no personal data. Such a
response is kept in the cache for `PUBLIC_PAGE_CACHE_SECONDS` (60 s by default:
the pages show "next open time" and "open now", which age by themselves) and
served from there before sessions, languages and views are touched.

Every save or delete of content (articles, pages, clinics, practitioners, hours,
schedules, slots, bookings) moves the cache to a new version, so staff and patients
see a change at once (`content_changed`, connected in apps.py); bulk writes that send
no signals call `public_pages_changed()`.
Visitors with a session cookie (staff, a patient in the middle of booking) always get
a freshly rendered page.

Only pages without a query string are kept: a search (`?q=` postcode or place, a
position), a chosen day or filter is rendered each time. Their number has no bound,
so a flood of distinct queries would otherwise push the article, the clinic pages
and the cache's version key out of the cache (Redis' memory limit, the cache
table's MAX_ENTRIES), and the pages worth keeping are the ones without a query.
nginx in front follows the same rule (deploy/nginx/nemus.conf).
"""

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import DisallowedHost
from django.db import router, transaction
from django.http import HttpResponse

from nemus_site.cache import cache_failed, cache_usable

VERSION_KEY = "public-pages:version"
# A visitor with either cookie may see a page of their own (staff drafts, messages).
PERSONAL_COOKIES = ("messages",)
# Headers the outer middleware sets on each response; not stored with the page.
FRESH_HEADERS = {"x-request-id", "content-security-policy", "set-cookie"}


def public_pages_changed() -> None:
    """Forget every cached public page (a new version; old entries expire).

    Never fails the write that called it: with the cache away there are no cached
    pages to forget (and pages kept from before an outage live at most
    PUBLIC_PAGE_CACHE_SECONDS)."""
    if not cache_usable():
        return
    try:
        with _savepoint_for_cache():
            try:
                cache.incr(VERSION_KEY)
            except ValueError:
                cache.set(VERSION_KEY, 2, timeout=None)
    except Exception:
        cache_failed()


def _savepoint_for_cache():
    """A savepoint around a cache write when the cache is a table in the database
    a transaction is open on: a failed cache statement (its table missing, a lock)
    would otherwise abort the whole transaction on PostgreSQL, and with it the
    booking that called us. Redis, or no open transaction: nothing to guard."""
    backend = caches["default"]  # `cache` is a proxy: ask for the backend itself
    if isinstance(backend, DatabaseCache):
        using = router.db_for_write(backend.cache_model_class)
        if transaction.get_connection(using).in_atomic_block:
            return transaction.atomic(using=using)
    return contextlib.nullcontext()


# Models whose rows never show on a public page; saving them keeps the cache.
NOT_SHOWN = {
    "booking.bookingemail",
    "booking.bookingsms",
    "booking.bookingaccess",
    "booking.clinicstaff",
}
CONTENT_APPS = {"conditions", "clinics", "booking", "nemus_site"}


def content_changed(sender, raw=False, **_kwargs) -> None:
    """post_save/post_delete receiver: content shown on public pages changed.

    Not for fixtures being loaded (raw) nor for migrations' historical models: the
    cache (its table, even) may not exist yet then, and a page cached before a
    migration lives at most PUBLIC_PAGE_CACHE_SECONDS."""
    if raw or sender.__module__ == "__fake__":
        return
    meta = sender._meta
    if meta.app_label in CONTENT_APPS and meta.label_lower not in NOT_SHOWN:
        # Now, and again once the transaction commits: a page rendered from the old
        # rows between the two would otherwise be kept.
        public_pages_changed()
        transaction.on_commit(public_pages_changed)


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


class PublicPageMixin:
    """For class-based views: their GET responses are public pages."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.public_page = True
        return response


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Never public pages: no cache lookup for them.
        self.skip = ("/healthz", "/" + settings.ADMIN_URL.lstrip("/"))
        self.last_version = None  # a guess only; each lookup checks it

    def __call__(self, request):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if (
            seconds <= 0
            or request.method != "GET"
            or request.path_info.startswith(self.skip)
            or request.META.get("QUERY_STRING")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or any(name in request.COOKIES for name in PERSONAL_COOKIES)
            or not cache_usable()
        ):
            return self.get_response(request)
        try:
            digest = self._digest(request)
            version, stored = self._lookup(digest)
        except DisallowedHost:
            return self.get_response(request)  # Django answers it with its 400 page
        except Exception:
            # The cache is a help, not a need: with Redis or the cache table away,
            # pages are rendered as if nothing were cached.
            cache_failed()
            return self.get_response(request)
        key = self._page_key(version, digest)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(response):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in FRESH_HEADERS
            ]
            try:
                cache.set(
                    key, (response.status_code, headers, response.content), seconds
                )
            except Exception:
                cache_failed()
            else:
                response["X-Cache"] = "miss"
        return response

    def _lookup(self, digest):
        """(version, stored page or None): one round trip when the version is the
        one this process saw last (the usual case), else two."""
        guess = self.last_version
        if guess is not None:
            found = cache.get_many([VERSION_KEY, self._page_key(guess, digest)])
            if found.get(VERSION_KEY) == guess:
                return guess, found.get(self._page_key(guess, digest))
        version = self.last_version = _version()
        return version, cache.get(self._page_key(version, digest))

    @staticmethod
    def _digest(request) -> str:
        # Host and path (pages with a query string are never kept). Hashed: a
        # path is never a cache key as it was sent.
        raw = f"{request.get_host()}{request.get_full_path()}"
        return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()

    @staticmethod
    def _page_key(version, digest) -> str:
        return f"public-page:{version}:{digest}"

    @staticmethod
    def _storable(response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )


class CacheControlMiddleware:
    """Cache-Control on every page Django renders: a public page for a visitor
    without a session may be kept by a shared cache for SHARED_CACHE_SECONDS (and
    served stale a little longer while one request revalidates); anything else, a
    page with a session, a cookie or personal data, is private and never stored.
    Views that set their own (never_cache on the booking form) keep theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" in response:
            return response
        personal = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or any(name in request.COOKIES for name in PERSONAL_COOKIES)
            or response.cookies
        )
        if (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not personal
        ):
            response["Cache-Control"] = (
                f"public, max-age=0, s-maxage={settings.SHARED_CACHE_SECONDS}, "
                f"stale-while-revalidate={settings.SHARED_CACHE_STALE_SECONDS}"
            )
        else:
            response["Cache-Control"] = "private, no-store"
        return response
