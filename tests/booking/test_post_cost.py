"""Issue 39: what a booking through the form costs, counted: the rows it writes,
the outbox rows, the version bump, and no query that repeats what the request
already knows (the clinic's hours and staff, rows just locked, a reference just
checked, the booking again to send its SMS)."""

import re
from collections import Counter

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import Booking, BookingEmail, BookingSms
from tests.booking.test_views import FORM, book_url
from tests.factories import SlotFactory


@pytest.fixture
def cache_calls(monkeypatch):
    calls = Counter()
    backend = caches["default"]
    for name in ("get", "get_many", "set", "add", "delete", "incr"):
        real = getattr(backend, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(backend, name, counted)
    return calls


def tables(queries, verb: str) -> Counter:
    found = Counter()
    for query in queries:
        sql = query["sql"]
        if sql.startswith(verb):
            match = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
            found[match.group(1) if match else "?"] += 1
    return found


@pytest.mark.django_db(transaction=True)
def test_a_booking_post_does_its_work_once(
    client, practitioner, follow_up, cache_calls
):
    first, second = (
        SlotFactory(practitioner=practitioner, starts_at=start)
        for start in (
            SlotFactory.starts_at.function(),
            SlotFactory.starts_at.function().replace(hour=13),
        )
    )
    client.post(book_url(first), FORM)  # the worker's first booking: warm
    client.get(book_url(second))
    cache_calls.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(book_url(second), {**FORM, "phone": "913 45 678"})
    assert response.status_code == 302
    assert Booking.objects.count() == 2

    inserts = tables(queries.captured_queries, "INSERT")
    assert inserts == {
        # The address's count: one upsert (nemus_site/ratelimit.py).
        "nemus_site_ratelimitcounter": 1,
        "booking_booking": 1,
        "booking_bookingemail": 1,
        "booking_bookingsms": 1,
    }
    assert BookingEmail.objects.filter(booking__slot=second).count() == 1
    assert BookingSms.objects.filter(booking__slot=second).count() == 1
    selects = tables(queries.captured_queries, "SELECT")
    # Not the clinic's hours, closures or staff: the form's page does not show them.
    for table in ("clinics_openinghours", "clinics_closure", "clinics_practitioner"):
        assert selects[table] == 0, table
    # Nor the price again for the e-mail: the type came with the clinic's prices.
    assert selects["booking_clinicprice"] == 0
    # The slot twice (found, then locked), the booking table for the one-active
    # check, the phone's cap and the reference; never the booking again to send.
    assert selects["booking_slot"] == 2
    assert selects["booking_booking"] == 3
    # The open times' version: once in the transaction; once more after its commit
    # with Redis (visible at once, unlike a cache table of the same database,
    # whose new version commits with the booking).
    in_database = isinstance(caches["default"], DatabaseCache)
    assert cache_calls["incr"] == (1 if in_database else 2)
    # What happened to the e-mail and the SMS: an update each (the SMS was queued
    # claimed by the request that sends it: no claim of its own).
    updates = tables(queries.captured_queries, "UPDATE")
    assert updates["booking_bookingemail"] == 1
    assert updates["booking_bookingsms"] == 1
    if connection.vendor == "sqlite":
        # Three writes, each a transaction taking the database's write lock
        # once: the address's count, the booking, what its messages did.
        assert write_transactions(queries.captured_queries) == (3, 0)


def write_transactions(queries) -> tuple[int, int]:
    """(transactions, writes outside one) in SQLite's captured SQL."""
    transactions = outside = 0
    inside = False
    for query in queries:
        sql = query["sql"]
        if sql.startswith("BEGIN"):
            transactions, inside = transactions + 1, True
        elif sql.startswith(("COMMIT", "ROLLBACK")):
            inside = False
        elif sql.startswith(("INSERT", "UPDATE", "DELETE")) and not inside:
            outside += 1
    return transactions, outside
