"""Limits that hold: counters in their own table (nemus_site.models.RateLimitCounter).

A limit kept in the cache is reset by anyone who can fill the cache until it culls,
and is gone when the cache is down; these counters are neither. Each hit is one
statement, an upsert: the database serialises the writes to one row, so concurrent
hits are all counted.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from nemus_site.models import RateLimitCounter

# Counters are kept at most this long (purge_bookings deletes older ones).
KEEP = dt.timedelta(days=1)


def rate_limit_key(scope: str, value: str) -> str:
    """A key that does not reveal the address or number it counts: keyed with the
    secret key, so it cannot be reversed by trying every IPv4 address."""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256)
    return f"{scope}:" + digest.hexdigest()[:32]


def rate_limit_hit(*, key: str, limit: int, window: dt.timedelta, now=None) -> bool:
    """Count one hit on `key`; True when that makes more than `limit` in the window.

    One statement: the counter is made, counted, or begun anew when its window is
    over, and its count returned (an upsert; SQLite 3.35 and PostgreSQL know it),
    instead of a lookup, a lock and a write, each a statement and a round trip. In a
    transaction, so that on SQLite it queues with the other writers
    (nemus_site/sqlite_backend)."""
    now = now or timezone.now()
    using = router.db_for_write(RateLimitCounter)
    connection = connections[using]
    ops = connection.ops
    table = ops.quote_name(RateLimitCounter._meta.db_table)
    key_column, start, count = (
        ops.quote_name(name) for name in ("key", "window_start", "count")
    )
    over = f"{table}.{start} <= %s"
    sql = (
        f"INSERT INTO {table} ({key_column}, {start}, {count}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({key_column}) DO UPDATE SET "
        f"{count} = CASE WHEN {over} THEN 1 ELSE {table}.{count} + 1 END, "
        f"{start} = CASE WHEN {over} THEN %s ELSE {table}.{start} END "
        f"RETURNING {count}"
    )
    at = ops.adapt_datetimefield_value(now)
    ended = ops.adapt_datetimefield_value(now - window)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(sql, [key, at, ended, ended, at])
        (hits,) = cursor.fetchone()
    return hits > limit


def rate_limits_purge(*, now=None) -> int:
    """Delete counters whose window started more than a day ago."""
    now = now or timezone.now()
    deleted, _by_model = RateLimitCounter.objects.filter(
        window_start__lt=now - KEEP
    ).delete()
    return deleted
