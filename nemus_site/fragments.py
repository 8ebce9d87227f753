"""What changes only when staff edit, kept in each worker's memory: the article's
text, the clinics' facts.

Each value is kept under the shared `edits` version (nemus_site/page_cache.py), so
any save of staff content makes new keys and the old values age out of the bounded
store. Open times and bookings are never kept here: they change with every
booking. With the cache away there is no version, and every request builds its
own; staff (who may see drafts) always do.

The values are shared by every request of the worker: callers must not change
them (copy what they annotate).
"""

from django.conf import settings

from nemus_site.page_cache import EDITS, LocalLRU, request_versions

store = LocalLRU(max_entries=200)


def edits_fragment(request, key: tuple, build):
    """`build()`'s value for `key`, made once per worker per staff edit."""
    user = getattr(request, "user", None)
    if not settings.NEMUS_FRAGMENT_CACHE or (user is not None and user.is_staff):
        return build()
    versions = request_versions(request)
    if versions is None:
        return build()
    full_key = (*key, versions[EDITS])
    value = store.get(full_key)
    if value is None:
        value = build()
        store.put(full_key, value)
    return value
