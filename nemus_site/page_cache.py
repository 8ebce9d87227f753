"""Whole public pages from the cache, for visitors without a session.

A view with `PublicPageMixin` says its response is the same for every visitor
without a session: no form token, no personal data. Such a response is kept for
`PUBLIC_PAGE_CACHE_SECONDS` (60 s by default: the pages show "next open time" and
"open now", which age by themselves) and served before sessions, languages and
views are touched.

**Versions.** What a page shows belongs to one or both of two groups: `edits`
(everything staff edit: articles, pages, clinics, practitioners, hours, types,
schedules) and `times` (slots and bookings, which change with every booking). Each
group has a version in the shared cache; every save or delete moves its group's
version (now and on commit: `content_changed`, connected in apps.py), and bulk
writes that send no signals call `public_pages_changed()`. A page is kept with the
versions of the groups it shows (`PublicPageMixin.page_groups`), so a booking does
not make the article render again, and a staff edit shows at once.

**Two layers.** Each worker keeps the pages it served in its own memory
(`local_pages`, bounded); a request asks the shared cache (Redis, or the cache table
of `make run`) only for the versions, in one lookup, and is answered from memory
when the page there has them. Another worker's page comes from the shared cache.

**Compressed once.** A page is stored as Brotli, gzip and plain bytes, made once
when it is rendered; a hit sends the one the client accepts, compressing nothing.

**One render after a change.** When a page is missing or out of date, the first
request takes a short lock in the shared cache and renders it; the others are
given the page as it was (`X-Cache: stale`) until the new one is stored, or, with
no earlier page at all, wait for it a moment. So 32 requests right after a save
cause one render, not 32.

Visitors with a session cookie (staff) always get a freshly rendered page. A
patient who has just booked has none: the confirmation page is found by a signed
cookie of its own (booking/views/confirmation.py), and their next pages are the
public ones.

Only pages without a query string are kept here, in the shared cache. Pages with
one (a search, a chosen day or filter) have no bound in number, so a flood of
distinct queries would push the article, the clinic pages and the versions out of
the shared cache (Redis' memory limit, the cache table's MAX_ENTRIES): they are kept
apart, in each worker's memory under a bound of their own (nemus_site/query_pages.py),
and never with a position. nginx in front keeps no page with a query
(deploy/nginx/nemus.conf).
"""

import contextlib
import gzip
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import brotli
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import DisallowedHost
from django.db import router, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

from nemus_site.cache import cache_failed, cache_usable
from nemus_site.compression import BROTLI_QUALITY, accepts

EDITS, TIMES = "edits", "times"
GROUPS = (EDITS, TIMES)
# A visitor with either cookie may see a page of their own (staff drafts, messages).
PERSONAL_COOKIES = ("messages",)
# Headers the outer middleware sets on each response, or that differ by encoding;
# not stored with the page.
FRESH_HEADERS = {
    "x-request-id",
    "content-security-policy",
    "set-cookie",
    "content-length",
    "content-encoding",
}
# A cold page (nothing stored yet) being rendered by another request: wait this
# long for it, looking every POLL seconds, before rendering it too.
WAIT_SECONDS = 3.0
POLL_SECONDS = 0.02


def _version_key(group: str) -> str:
    return f"public-pages:version:{group}"


def _new_version() -> int:
    """A version nobody has seen: after the cache was emptied, a worker's memory
    must not take its old pages for new ones (so never restart at 1)."""
    return secrets.randbelow(2**52) + 1


def public_pages_changed(groups=GROUPS) -> None:
    """Forget the cached public pages showing `groups` (new versions; old
    entries expire).

    Never fails the write that called it: with the cache away there are no cached
    pages to forget (and pages kept from before an outage live at most
    PUBLIC_PAGE_CACHE_SECONDS)."""
    if not cache_usable():
        return
    try:
        with _savepoint_for_cache():
            for group in groups:
                try:
                    cache.incr(_version_key(group))
                except ValueError:
                    cache.set(_version_key(group), _new_version(), timeout=None)
    except Exception:
        cache_failed()


def _savepoint_for_cache():
    """A savepoint around a cache write when the cache is a table in the database
    a transaction is open on: a failed cache statement (its table missing, a lock)
    would otherwise abort the whole transaction on PostgreSQL, and with it the
    booking that called us. Redis, or no open transaction: nothing to guard."""
    using = _cache_database()
    if using is not None and transaction.get_connection(using).in_atomic_block:
        return transaction.atomic(using=using)
    return contextlib.nullcontext()


def _cache_database() -> str | None:
    """The database whose table is the shared cache (make run's), or None (Redis)."""
    backend = caches["default"]  # `cache` is a proxy: ask for the backend itself
    if isinstance(backend, DatabaseCache):
        return router.db_for_write(backend.cache_model_class)
    return None


# What a saved row means for the cached public pages, as each app declares it in
# its AppConfig.ready (public_content): {app label: {model label: group or None}}.
# An app not declared shows nothing on public pages.
_DECLARED: dict[str, dict[str, str | None]] = {}


def public_content(app_config, *, times=(), never=()) -> None:
    """Declare that `app_config`'s models show on public pages: saving one forgets
    the pages of staff edits (EDITS); those in `times` change with bookings (the
    TIMES group), those in `never` show nowhere (saving them keeps every page)."""
    overrides: dict[str, str | None] = {m._meta.label_lower: TIMES for m in times}
    overrides.update({m._meta.label_lower: None for m in never})
    _DECLARED[app_config.label] = overrides


def groups_changed_by(meta) -> tuple[str, ...]:
    """The groups of pages a saved row of this model changes (none, one)."""
    overrides = _DECLARED.get(meta.app_label)
    if overrides is None:
        return ()
    group = overrides.get(meta.label_lower, EDITS)
    return (group,) if group else ()


def content_changed(sender, raw=False, **_kwargs) -> None:
    """post_save/post_delete receiver: content shown on public pages changed.

    Not for fixtures being loaded (raw) nor for migrations' historical models: the
    cache (its table, even) may not exist yet then, and a page cached before a
    migration lives at most PUBLIC_PAGE_CACHE_SECONDS."""
    if raw or sender.__module__ == "__fake__":
        return
    groups = groups_changed_by(sender._meta)
    if groups:
        public_pages_changed(groups)
        using = router.db_for_write(sender)
        in_atomic = transaction.get_connection(using).in_atomic_block
        if in_atomic and _cache_database() != using:
            # Again once the transaction commits: a page rendered from the old rows
            # between the two would otherwise be kept. (Outside a transaction the
            # row is committed already: once is enough, and saves one render. With
            # the cache a table of the same database, the new version commits with
            # the rows, in the same transaction: once is enough too, and saves a
            # write per booking.)
            transaction.on_commit(lambda: public_pages_changed(groups))


def current_versions() -> dict[str, int]:
    """{group: version} from the shared cache, in one lookup (two the first time,
    when a version is missing and is made)."""
    keys = {group: _version_key(group) for group in GROUPS}
    found = cache.get_many(keys.values())
    versions = {group: found.get(key) for group, key in keys.items()}
    for group, version in versions.items():
        if version is None:
            cache.add(keys[group], _new_version(), timeout=None)
            versions[group] = cache.get(keys[group])
            if versions[group] is None:
                raise LookupError("the cache keeps no version")
    return versions


def request_versions(request) -> dict[str, int] | None:
    """The versions for this request (looked up once; the page cache has done it
    for a visitor without a session), or None when the cache is away: then
    nothing may be kept by them (see nemus_site/fragments.py). Without a request
    (an e-mail sent after the commit, or by the scheduled run): looked up each time."""
    versions = getattr(request, "_public_versions", False)
    if versions is False:
        versions = None
        if cache_usable():
            try:
                versions = current_versions()
            except Exception:
                cache_failed()
        if request is not None:
            request._public_versions = versions
    return versions


class PublicPageMixin:
    """For class-based views: their GET responses are public pages, showing what
    `page_groups` says (add TIMES where open times or "next time" show)."""

    page_groups: tuple[str, ...] = (EDITS,)
    # The query parameters the view reads: with them, the page is kept by its
    # normalised query too (nemus_site/query_pages.py); `query_never`: parameters
    # with which it is never kept (a position).
    query_keys: tuple[str, ...] = ()
    query_never: tuple[str, ...] = ("lat", "lng")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.public_page = self.page_groups
        return response


def view_class_at(path: str):
    """The class of the view that answers `path` (in the language its prefix
    says), or None: a function view, or no page there."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, "view_class", None)


def public_view_class(path: str):
    """The view class at `path` when its pages are public (PublicPageMixin), else
    None: nothing else is ever kept."""
    view_class = view_class_at(path)
    if view_class is not None and issubclass(view_class, PublicPageMixin):
        return view_class
    return None


@dataclass(frozen=True)
class StoredPage:
    versions: tuple  # ((group, version), ...) of the groups the page shows
    stored_at: float  # time.time() when rendered
    status: int
    headers: tuple  # ((name, value), ...)
    bodies: dict  # {"br": ..., "gzip": ..., "": ...}: the page, each way

    def current(self, versions, now, seconds) -> bool:
        return now - self.stored_at < seconds and all(
            versions.get(group) == version for group, version in self.versions
        )

    def usable_stale(self, now, seconds, stale_seconds) -> bool:
        return now - self.stored_at < seconds + stale_seconds

    @property
    def size(self) -> int:
        return sum(len(body) for body in self.bodies.values())

    @classmethod
    def of(cls, response, versions, groups) -> "StoredPage":
        content = response.content
        bodies = {"": content}
        if len(content) >= 200:  # as compression.py: shorter is not worth it
            bodies["br"] = brotli.compress(content, quality=BROTLI_QUALITY)
            bodies["gzip"] = gzip.compress(content, compresslevel=9, mtime=0)
        return cls(
            versions=tuple((group, versions[group]) for group in groups),
            stored_at=time.time(),
            status=response.status_code,
            headers=tuple(
                (name, value)
                for name, value in response.items()
                if name.lower() not in FRESH_HEADERS
            ),
            bodies=bodies,
        )

    def encoding_for(self, request) -> str:
        accepted = request.headers.get("accept-encoding", "")
        for coding in ("br", "gzip"):
            if coding in self.bodies and accepts(accepted, coding):
                return coding
        return ""

    def fill(self, response, request) -> None:
        """Give `response` this page's body in the encoding the client accepts."""
        coding = self.encoding_for(request)
        response.content = self.bodies[coding]
        response.headers["Content-Length"] = str(len(self.bodies[coding]))
        if coding:
            response.headers["Content-Encoding"] = coding
        if len(self.bodies) > 1:
            patch_vary_headers(response, ("Accept-Encoding",))

    def response(self, request, label: str) -> HttpResponse:
        response = HttpResponse(status=self.status)
        for name, value in self.headers:
            response[name] = value
        self.fill(response, request)
        response["X-Cache"] = label
        return response


class LocalLRU:
    """A worker's own store: the most recently used values, up to a count and,
    when `size_of` is given, a total size."""

    def __init__(self, max_entries: int, max_bytes=None, size_of=None):
        self.max_entries, self.max_bytes, self.size_of = max_entries, max_bytes, size_of
        self.values: OrderedDict = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            old = self.values.pop(key, None)
            if old is not None and self.size_of:
                self.bytes -= self.size_of(old)
            self.values[key] = value
            if self.size_of:
                self.bytes += self.size_of(value)
            while self.values and (
                len(self.values) > self.max_entries
                or (self.max_bytes is not None and self.bytes > self.max_bytes)
            ):
                _key, dropped = self.values.popitem(last=False)
                if self.size_of:
                    self.bytes -= self.size_of(dropped)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()
            self.bytes = 0


# This worker's pages: at most 500, 64 MB.
local_pages = LocalLRU(500, 64 * 1024 * 1024, size_of=lambda page: page.size)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Never public pages: no cache lookup for them.
        self.skip = ("/healthz", "/" + settings.ADMIN_URL.lstrip("/"))

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
            page = local_pages.get(digest)
            # A page this worker has not kept: could it be kept at all? A booking
            # form never is: it is rendered without a lookup or a render lock (two
            # writes to the cache table of make run, beside the bookings).
            never = page is None and public_view_class(request.path_info) is None
            if not never:
                versions = current_versions()
                now = time.time()
                if page is None or not page.current(versions, now, seconds):
                    shared = cache.get(self._page_key(digest))
                    if shared is not None and (
                        page is None or shared.stored_at > page.stored_at
                    ):
                        page = shared
                        local_pages.put(digest, page)
        except DisallowedHost:
            return self.get_response(request)  # Django answers it with its 400 page
        except Exception:
            # The cache is a help, not a need: with Redis or the cache table away,
            # pages are rendered as if nothing were cached.
            cache_failed()
            return self.get_response(request)
        if never:
            return self.get_response(request)
        request._public_versions = versions
        if page is not None and page.current(versions, now, seconds):
            return page.response(request, "hit")
        return self._refresh(request, digest, versions, page, seconds)

    def _refresh(self, request, digest, versions, page, seconds):
        """The page is missing or out of date: render it here if no other request
        is doing so; else give the page as it was, or wait for the new one."""
        stale_seconds = settings.PUBLIC_PAGE_STALE_SECONDS
        lock_key = f"public-page-render:{digest}"
        try:
            mine = cache.add(lock_key, 1, timeout=stale_seconds)
        except Exception:
            cache_failed()
            return self.get_response(request)
        if not mine and not self._lock_held(lock_key):
            # Nobody holds the lock: its holder has just finished (its page is
            # there now), or the add failed: Django's cache table drops a write
            # the database refuses (read-only during a restore).
            fresh = self._shared_current(digest, versions, seconds)
            if fresh is not None:
                return fresh.response(request, "hit")
            return self._render(request, digest, versions, seconds, stale_seconds)
        if not mine:
            now = time.time()
            if page is not None and page.usable_stale(now, seconds, stale_seconds):
                return page.response(request, "stale")
            waited = self._wait_for(digest, versions, seconds)
            if waited is not None:
                return waited.response(request, "hit")
        try:
            if mine:
                # Another request may have stored it between our lookup and the
                # lock (and let the lock go): then it is here now.
                fresh = self._shared_current(digest, versions, seconds)
                if fresh is not None:
                    return fresh.response(request, "hit")
            return self._render(request, digest, versions, seconds, stale_seconds)
        finally:
            if mine:
                with contextlib.suppress(Exception):
                    cache.delete(lock_key)

    @staticmethod
    def _lock_held(lock_key) -> bool:
        try:
            return cache.get(lock_key) is not None
        except Exception:
            cache_failed()
            return False

    def _wait_for(self, digest, versions, seconds):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            page = self._shared_current(digest, versions, seconds)
            if page is not None:
                return page
        return None

    def _shared_current(self, digest, versions, seconds):
        """The shared cache's page when it is current (kept in memory too)."""
        try:
            page = cache.get(self._page_key(digest))
        except Exception:
            cache_failed()
            return None
        if page is not None and page.current(versions, time.time(), seconds):
            local_pages.put(digest, page)
            return page
        return None

    def _render(self, request, digest, versions, seconds, stale_seconds):
        response = self.get_response(request)
        if not self._storable(response):
            return response
        page = StoredPage.of(response, versions, response.public_page)
        local_pages.put(digest, page)
        try:
            cache.set(self._page_key(digest), page, seconds + stale_seconds)
        except Exception:
            cache_failed()
        page.fill(response, request)
        response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _digest(request) -> str:
        # Host and path (pages with a query string are never kept). Hashed: a
        # path is never a cache key as it was sent.
        raw = f"{request.get_host()}{request.get_full_path()}"
        return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()

    @staticmethod
    def _page_key(digest) -> str:
        return f"public-page:{digest}"

    @staticmethod
    def _storable(response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            bool(getattr(response, "public_page", False))
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Content-Encoding")
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
