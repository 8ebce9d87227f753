"""The cache is a help, never a need: with Redis refused or hung, pages render and
patients book; security counters live in their own table, out of the cache's reach."""

import datetime as dt
import socket
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from booking.models import Booking
from nemus_site import cache as nemus_cache
from nemus_site.models import RateLimitCounter
from nemus_site.ratelimit import rate_limit_hit, rate_limits_purge
from tests.booking.test_views import FORM
from tests.factories import AppointmentTypeFactory, SlotFactory

pytestmark = pytest.mark.django_db


def redis_cache(location):
    return {
        "default": {
            "BACKEND": "nemus_site.cache.NemusRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.05, "socket_timeout": 0.05},
        }
    }


@pytest.fixture
def hung_redis():
    """A server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def refused_redis():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there now


@pytest.fixture
def open_slot(db):
    AppointmentTypeFactory()
    start = (timezone.now() + dt.timedelta(days=3)).replace(
        minute=0, second=0, microsecond=0
    )
    return SlotFactory(starts_at=start)


@pytest.mark.parametrize("kind", ["refused", "hung"])
def test_pages_render_and_patients_book_without_the_cache(
    client, settings, open_slot, request, kind, django_capture_on_commit_callbacks
):
    location = (
        refused_redis() if kind == "refused" else request.getfixturevalue("hung_redis")
    )
    settings.CACHES = redis_cache(location)
    started = time.monotonic()
    for path in ("/", "/plager/korsryggsmerter/", "/klinikker/", "/timebestilling/"):
        assert client.get(path).status_code == 200, path
    with translation.override("nb"):
        url = reverse(
            "booking:book",
            kwargs={"clinic": open_slot.clinic.slug, "slot_id": open_slot.pk},
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, FORM)
    assert response.status_code == 302
    assert Booking.objects.filter(slot=open_slot, status="confirmed").count() == 1
    # One timeout at most, then the cache is skipped: far from Redis' own defaults.
    assert time.monotonic() - started < 5
    assert not nemus_cache.cache_usable()


def test_a_saved_page_still_saves_when_the_cache_is_away(settings, open_slot):
    settings.CACHES = redis_cache(refused_redis())
    open_slot.clinic.name = "NEMUS Omdøpt"
    open_slot.clinic.save()
    open_slot.clinic.refresh_from_db()
    assert open_slot.clinic.name == "NEMUS Omdøpt"


def test_a_cache_table_that_fails_never_breaks_the_booking_it_is_told_of(
    settings, open_slot
):
    """The cache as a table in the booking's own database (PostgreSQL without
    Redis), and that table missing: the failed cache statement inside the booking's
    transaction must not abort it (found by the race test of issue 18)."""
    from django.core.cache import caches

    from booking.services import booking_change, booking_create
    from tests.booking.conftest import PATIENT

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "nemus_no_such_cache_table",
        }
    }
    caches["default"]  # the new backend, as a fresh process would have it
    kind = AppointmentTypeFactory()
    booking = booking_create(slot_id=open_slot.pk, appointment_type=kind, **PATIENT)
    other = SlotFactory(
        practitioner=open_slot.practitioner,
        starts_at=open_slot.starts_at + dt.timedelta(hours=1),
    )
    nemus_cache._skip_until = 0.0  # try the cache again, inside the move
    booking_change(booking_id=booking.pk, new_slot_id=other.pk)
    booking.refresh_from_db()
    assert booking.slot == other and booking.status == "confirmed"
    assert not nemus_cache.cache_usable()


def test_the_limit_counts_in_its_window_and_starts_again_after_it():
    start = timezone.now()
    window = dt.timedelta(hours=1)
    hits = [
        rate_limit_hit(key="k", limit=3, window=window, now=start) for _ in range(4)
    ]
    assert hits == [False, False, False, True]
    later = start + dt.timedelta(minutes=61)
    assert rate_limit_hit(key="k", limit=3, window=window, now=later) is False
    assert RateLimitCounter.objects.get(key="k").count == 1


@pytest.mark.django_db(transaction=True)
def test_hits_at_once_are_all_counted_in_one_statement_each():
    """Eight hits on one key from eight connections at once: each counted (the
    ninth is over a limit of eight); a hit is one statement, not a lookup, a
    lock and a write."""
    window = dt.timedelta(hours=1)
    barrier = threading.Barrier(8)
    results = []

    def hit():
        barrier.wait()
        try:
            results.append(rate_limit_hit(key="burst", limit=8, window=window))
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [False] * 8
    assert RateLimitCounter.objects.get(key="burst").count == 8
    with CaptureQueriesContext(connection) as queries:
        assert rate_limit_hit(key="burst", limit=8, window=window) is True
    statements = [
        q["sql"] for q in queries if not q["sql"].startswith(("BEGIN", "COMMIT"))
    ]
    assert len(statements) == 1 and "RETURNING" in statements[0]


def test_filling_the_cache_never_resets_the_booking_limit(client, settings, open_slot):
    settings.BOOKING_RATE_LIMIT = 2
    with translation.override("nb"):
        url = reverse(
            "booking:book",
            kwargs={"clinic": open_slot.clinic.slug, "slot_id": open_slot.pk},
        )
    bad = {**FORM, "name": ""}
    assert client.post(url, bad).status_code == 400
    assert client.post(url, bad).status_code == 400
    # What a query-string flood does to the database cache: it culls, or empties.
    for number in range(50):
        cache.set(f"public-page:flood:{number}", "x")
    cache.clear()
    assert client.post(url, bad).status_code == 429


def test_old_counters_are_purged():
    now = timezone.now()
    rate_limit_hit(key="old", limit=5, window=dt.timedelta(hours=1), now=now)
    rate_limit_hit(key="new", limit=5, window=dt.timedelta(hours=1), now=now)
    RateLimitCounter.objects.filter(key="old").update(
        window_start=now - dt.timedelta(days=2)
    )
    assert rate_limits_purge(now=now) == 1
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["new"]
