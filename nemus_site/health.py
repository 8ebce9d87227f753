"""What `/healthz?full=1` reports: each dependency, checked for real.

`/healthz` alone stays a liveness check (the process answers and the database
reads). The full report also writes to the database (rolled back), round-trips the
cache, and asks each app's own checks (booking registers its e-mail outbox), and
answers 503 when any fails. It is for operators: only from 127.0.0.1 (the client
address as nemus_site.client_ip sees it) or with the X-Health-Token header equal
to NEMUS_HEALTH_TOKEN.
"""

import hmac
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from nemus_site.cache import cache_usable
from nemus_site.client_ip import client_ip
from nemus_site.models import RateLimitCounter


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str


_APP_CHECKS: list[tuple[str, Callable[[], tuple[bool, str]]]] = []


def register(name: str, check: Callable[[], tuple[bool, str]]) -> None:
    """An app adds a check (called from its AppConfig.ready): (ok, detail)."""
    if all(existing != name for existing, _check in _APP_CHECKS):
        _APP_CHECKS.append((name, check))


def allowed(request) -> bool:
    token = settings.NEMUS_HEALTH_TOKEN
    given = request.headers.get("X-Health-Token", "")
    if token and given and hmac.compare_digest(token, given):
        return True
    return client_ip(request) in {"127.0.0.1", "::1"}


def _database_read() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, "answers"


def _database_write() -> tuple[bool, str]:
    with transaction.atomic():
        RateLimitCounter.objects.create(
            key=f"healthz:{uuid.uuid4().hex}", window_start="2000-01-01T00:00Z"
        )
        transaction.set_rollback(True)
    return True, "writes"


def _cache() -> tuple[bool, str]:
    if not cache_usable():
        return False, "skipped after a recent failure"
    key = f"healthz:{uuid.uuid4().hex}"
    started = time.monotonic()
    cache.set(key, "ok", 10)
    ok = cache.get(key) == "ok"
    cache.delete(key)
    return ok, f"round trip {1000 * (time.monotonic() - started):.0f} ms"


def run_checks() -> list[Result]:
    results = []
    checks = [
        ("database read", _database_read),
        ("database write", _database_write),
        ("cache", _cache),
        *_APP_CHECKS,
    ]
    for name, check in checks:
        try:
            ok, detail = check()
        except Exception as error:  # each failure is reported, never raised
            ok, detail = False, type(error).__name__
        results.append(Result(name, ok, detail))
    return results
