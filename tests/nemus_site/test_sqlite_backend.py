"""The SQLite backend's writer queue (nemus_site/sqlite_backend): a write
transaction holds the file lock beside the database from BEGIN to COMMIT or
ROLLBACK, another writer goes on as soon as it is let go, and the lock only orders
writers: without it (taken by someone else too long, or a folder it cannot be made
in) the transaction runs, guarded by SQLite's own lock."""

import fcntl
import os
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from nemus_site.models import RateLimitCounter

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the embedded default's backend"
    ),
]


def lock_file() -> str:
    return f"{connection.settings_dict['NAME']}-writer"


def held_by_someone() -> bool:
    """Whether a writer holds the lock (asked from a file handle of our own)."""
    fd = os.open(lock_file(), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def count(prefix="k") -> int:
    return RateLimitCounter.objects.filter(key__startswith=prefix).count()


def test_a_write_transaction_holds_the_lock_until_it_ends():
    connection.ensure_connection()
    assert not held_by_someone()
    with transaction.atomic():
        RateLimitCounter.objects.create(key="k1", window_start=timezone.now())
        assert held_by_someone()
    assert not held_by_someone()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        RateLimitCounter.objects.create(key="j1", window_start=timezone.now())
        assert held_by_someone()
        1 / 0  # noqa: B018
    assert not held_by_someone()
    assert count("k") == 1 and count("j") == 0


def test_a_second_writer_goes_on_when_the_first_commits():
    connection.ensure_connection()
    order = []
    started = threading.Event()

    def second():
        started.set()
        with transaction.atomic():
            order.append("second began")
            RateLimitCounter.objects.create(key="k2", window_start=timezone.now())
        connections.close_all()

    with transaction.atomic():
        RateLimitCounter.objects.create(key="k1", window_start=timezone.now())
        thread = threading.Thread(target=second)
        thread.start()
        started.wait()
        time.sleep(0.1)
        order.append("first commits")
    thread.join(timeout=10)
    assert order == ["first commits", "second began"]
    assert count() == 2


def test_a_lock_held_too_long_leaves_it_to_sqlite():
    """Someone else (another program) holds the file lock past the timeout: the
    transaction goes on without it."""
    connection.ensure_connection()
    connection.settings_dict["OPTIONS"]["timeout"] = 0.05
    other = os.open(lock_file(), os.O_RDWR)
    fcntl.flock(other, fcntl.LOCK_EX)
    try:
        begun = time.monotonic()
        with transaction.atomic():
            RateLimitCounter.objects.create(key="k1", window_start=timezone.now())
        assert time.monotonic() - begun >= 0.05
    finally:
        fcntl.flock(other, fcntl.LOCK_UN)
        os.close(other)
        connection.settings_dict["OPTIONS"]["timeout"] = 20
    assert count() == 1
