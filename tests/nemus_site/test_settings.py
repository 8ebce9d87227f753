import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's multi-process set-up"
)


@on_sqlite
def test_sqlite_is_a_file_in_wal_mode_with_a_busy_timeout():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20_000
    # var/test.sqlite3, with pytest-xdist's worker after it ("_gw0") when parallel.
    assert ".sqlite3" in connection.settings_dict["NAME"]
    assert connection.settings_dict["NAME"] != ":memory:"


@on_sqlite
def test_sqlite_transactions_take_the_write_lock_at_begin():
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_cache_is_shared_between_processes():
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.REDIS_URL:
        # Django's RedisCache, reusing its client objects.
        assert backend == "nemus_site.cache.NemusRedisCache"
        backend_object = caches["default"]
        assert isinstance(backend_object, RedisCache)
        client = backend_object._cache
        assert client.get_client(write=True) is client.get_client(write=True)
    else:
        assert backend == "django.core.cache.backends.db.DatabaseCache"
    cache.set("nemus-test-key", {"value": 42}, 30)
    assert cache.get("nemus-test-key") == {"value": 42}
    cache.delete("nemus-test-key")
