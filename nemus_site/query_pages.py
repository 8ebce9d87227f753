"""Public pages keyed by their query: a day tapped (`?dag=`), a postcode or place
searched (`?q=`), a filter chosen. Kept like the plain pages (nemus_site/page_cache.py:
under the versions of what they show, compressed once, for visitors without a
session), but only in each worker's memory, in a store of their own with its own
bound (QUERY_PAGE_CACHE_ENTRIES, QUERY_PAGE_CACHE_BYTES): a flood of distinct
queries evicts only other query pages, never a plain page, a version or a
rate-limit counter in the shared cache.

A view says which query parameters it reads (`PublicPageMixin.query_keys`); the
query is normalised before the view sees it: other parameters dropped, each value's
spaces trimmed and collapsed, empty values dropped, so `?q=0150`, `?q= 0150` and
`?q=0150&` are one page. The key is the host, path and normalised query, hashed:
never a query in clear. A page with a position (`query_never`: `?lat=&lng=`) is
never kept (clinics/selectors.py promises positions are never stored), nor one
whose status is not 200 (a search that found nothing is answered 400)."""

import hashlib
import re
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import QueryDict
from django.utils.http import urlencode

from nemus_site.cache import cache_failed, cache_usable
from nemus_site.page_cache import (
    PERSONAL_COOKIES,
    LocalLRU,
    PublicPageCacheMiddleware,
    StoredPage,
    current_versions,
    public_view_class,
)

_SPACES = re.compile(" +")

# This worker's query pages; their bounds are the settings' (read when one is kept).
query_pages = LocalLRU(1000, 32 * 1024 * 1024, size_of=lambda page: page.size)


def view_query_keys(path: str):
    """(keys, never) the view at `path` declares, or None: not kept by query."""
    view_class = public_view_class(path)
    keys = getattr(view_class, "query_keys", ())
    if not keys:
        return None
    return keys, getattr(view_class, "query_never", ())


def normalised_query(query: QueryDict, keys, never) -> str | None:
    """The query as the page is kept under it (see the module's docstring), or None
    when the page may not be kept (a position) or nothing is left of it."""
    if any(value.strip() for name in never for value in query.getlist(name)):
        return None
    pairs = []
    for name in sorted(set(query) & set(keys)):
        for value in query.getlist(name):
            # Spaces only: a control character stays, for UnstorableInputMiddleware
            # to refuse.
            value = _SPACES.sub(" ", value).strip(" ")
            if value:
                pairs.append((name, value))
    return urlencode(pairs) if pairs else None


class QueryPageCacheMiddleware:
    """After PublicPageCacheMiddleware (which serves the pages without a query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if (
            seconds <= 0
            or request.method != "GET"
            or not request.META.get("QUERY_STRING")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or any(name in request.COOKIES for name in PERSONAL_COOKIES)
        ):
            return self.get_response(request)
        declared = view_query_keys(request.path_info)
        if declared is None:
            return self.get_response(request)
        query = normalised_query(request.GET, *declared)
        if query is None:
            return self.get_response(request)
        # The view renders the normalised query: what is kept is what it shows.
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)
        if not cache_usable():
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # Django answers it with its 400 page
        raw = f"{host}{request.path}?{query}"
        digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
        try:
            versions = current_versions()
        except Exception:
            cache_failed()
            return self.get_response(request)
        request._public_versions = versions
        page = query_pages.get(digest)
        if page is not None and page.current(versions, time.time(), seconds):
            return page.response(request, "hit")
        response = self.get_response(request)
        if not PublicPageCacheMiddleware._storable(response):
            return response
        page = StoredPage.of(response, versions, response.public_page)
        query_pages.max_entries = settings.QUERY_PAGE_CACHE_ENTRIES
        query_pages.max_bytes = settings.QUERY_PAGE_CACHE_BYTES
        query_pages.put(digest, page)
        page.fill(response, request)
        response["X-Cache"] = "miss"
        return response
