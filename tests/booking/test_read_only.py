"""A database that refuses writes gives a kind 503 page, while reads go on and
/healthz?full=1 names the failing part."""

import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from booking.models import Booking
from nemus_site.page_cache import PublicPageCacheMiddleware
from tests.booking.test_views import FORM
from tests.text import page_text


def set_read_only(on: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")
        else:
            cursor.execute(
                f"SET SESSION default_transaction_read_only = {'on' if on else 'off'}"
            )


@pytest.mark.django_db(transaction=True)
def test_a_read_only_database_gives_a_kind_503_and_reads_go_on(
    client, slot, follow_up, monkeypatch
):
    # The cache table is read-only too: its lock is never taken, and no page waits
    # for a render nobody is doing (it waited 3 s, every page).
    monkeypatch.setattr(
        PublicPageCacheMiddleware,
        "_wait_for",
        lambda *args: pytest.fail("waited for a render lock nobody held"),
    )
    with translation.override("nb"):
        url = reverse(
            "booking:book", kwargs={"clinic": slot.clinic.slug, "slot_id": slot.pk}
        )
    set_read_only(True)
    try:
        assert client.get("/").status_code == 200
        assert client.get(url).status_code == 200
        response = client.post(url, FORM)
        assert response.status_code == 503
        assert "Vi kan ikke lagre noe akkurat nå" in page_text(
            response.content.decode()
        )
        assert response["Retry-After"] == "120"
        assert client.get("/healthz").status_code == 200
        health = client.get("/healthz?full=1")
        assert health.status_code == 503
        checks = json.loads(health.content)["checks"]
        assert checks["database read"]["ok"] is True
        assert checks["database write"]["ok"] is False
    finally:
        set_read_only(False)
    assert Booking.objects.count() == 0
