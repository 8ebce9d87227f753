"""Limits that hold: counters in their own table (nemus_site.models.RateLimitCounter).

A limit kept in the cache is reset by anyone who can fill the cache until it culls,
and is gone when the cache is down; these counters are neither. Each hit is one
transaction: on SQLite the IMMEDIATE transaction serialises writers, on PostgreSQL the
row lock does, so concurrent hits are all counted.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.db.models import F
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
    """Count one hit on `key`; True when that makes more than `limit` in the window."""
    now = now or timezone.now()
    with transaction.atomic():
        counter = RateLimitCounter.objects.select_for_update().filter(key=key).first()
        if counter is None:
            counter, created = RateLimitCounter.objects.get_or_create(
                key=key, defaults={"window_start": now, "count": 1}
            )
            if created:
                return limit < 1
            counter = RateLimitCounter.objects.select_for_update().get(pk=counter.pk)
        if counter.window_start <= now - window:
            counter.window_start, counter.count = now, 1
            counter.save(update_fields=["window_start", "count"])
            return limit < 1
        RateLimitCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
        return counter.count + 1 > limit


def rate_limits_purge(*, now=None) -> int:
    """Delete counters whose window started more than a day ago."""
    now = now or timezone.now()
    deleted, _by_model = RateLimitCounter.objects.filter(
        window_start__lt=now - KEEP
    ).delete()
    return deleted
