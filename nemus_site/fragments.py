"""What changes only when staff edit, kept in each worker's memory: the article's
text, the clinics' facts.

Each value is kept under the shared `edits` version (nemus_site/page_cache.py), so
any save of staff content makes new keys and the old values age out of the bounded
store. Open times and bookings change with every booking: what is derived from
them (`times_fragment`: which clinics a new patient can book) is kept under the
`times` version too, and for at most TIMES_FRAGMENT_SECONDS, as long as a page
is kept. With the cache away there is no version, and every request builds its
own; staff (who may see drafts) always do.

The values are shared by every request of the worker: callers must not change
them (copy what they annotate).
"""

import time

from django.conf import settings

from nemus_site.page_cache import EDITS, TIMES, LocalLRU, request_versions

store = LocalLRU(max_entries=200)
# One value per clinic and choice (the soonest times near a search): many small
# entries, in a store of their own so they never push out the pages' facts above.
clinic_store = LocalLRU(max_entries=2000)
# Where a searched postcode or place lies, by the search (hashed): one entry per
# distinct search, so a flood of made-up places pushes out only these.
search_store = LocalLRU(max_entries=1000)
# As long as the page cache keeps a page (PUBLIC_PAGE_CACHE_SECONDS' default): the
# booking window moves with the clock, not only with bookings.
TIMES_FRAGMENT_SECONDS = 60


def edits_fragment(request, key: tuple, build):
    """`build()`'s value for `key`, made once per worker per staff edit."""
    return _fragment(request, key, build, lambda versions: (versions[EDITS],))


def times_fragment(request, key: tuple, build):
    """`build()`'s value for `key`, made once per worker per booking or staff edit,
    and at least every TIMES_FRAGMENT_SECONDS."""
    return _fragment(
        request,
        key,
        build,
        lambda versions: (
            versions[EDITS],
            versions[TIMES],
            int(time.time() // TIMES_FRAGMENT_SECONDS),
        ),
    )


def times_fragments(request, keys: list, build_missing) -> dict:
    """{key: value} for each of `keys`, kept like times_fragment's values (in
    clinic_store); `build_missing(keys)` gives {key: value} for those not kept,
    all at once (one query for the clinics not seen since the last booking)."""
    user = getattr(request, "user", None)
    if not settings.NEMUS_FRAGMENT_CACHE or (user is not None and user.is_staff):
        return build_missing(list(keys))
    versions = request_versions(request)
    if versions is None:
        return build_missing(list(keys))
    version = (
        versions[EDITS],
        versions[TIMES],
        int(time.time() // TIMES_FRAGMENT_SECONDS),
    )
    found, missing = {}, []
    for key in keys:
        value = clinic_store.get((*key, *version))
        if value is None:
            missing.append(key)
        else:
            found[key] = value
    if missing:
        built = build_missing(missing)
        for key in missing:
            clinic_store.put((*key, *version), built[key])
        found.update(built)
    return found


def times_fragment_one(request, key: tuple, build):
    """times_fragment's value for one key, kept in clinic_store: for values of
    which there are many (per clinic, per day), which must not push out the
    pages' facts. `build()` may return None (kept as such)."""
    kept = times_fragments(request, [key], lambda missing: {key: (build(),)})
    return kept[key][0]


def edits_fragment_in(store, request, key: tuple, build):
    """edits_fragment's value for `key`, kept in `store` (a store of its own for
    values with many keys); `build()` may return None (kept as such)."""
    return _fragment(
        request,
        key,
        lambda: (build(),),
        lambda versions: (versions[EDITS],),
        store=store,
    )[0]


def _fragment(request, key: tuple, build, version_of, store=store):
    user = getattr(request, "user", None)
    if not settings.NEMUS_FRAGMENT_CACHE or (user is not None and user.is_staff):
        return build()
    versions = request_versions(request)
    if versions is None:
        return build()
    full_key = (*key, *version_of(versions))
    value = store.get(full_key)
    if value is None:
        value = build()
        store.put(full_key, value)
    return value
