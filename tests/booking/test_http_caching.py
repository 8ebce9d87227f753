"""Cache-Control and compression on every page: public pages briefly in shared
caches, personal ones never; all of them compressed."""

import gzip

import brotli
import pytest

from booking.services import booking_create
from tests.booking.conftest import PATIENT
from tests.booking.test_views import FORM, book_url

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=0, s-maxage=10, stale-while-revalidate=20"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/",
        "/plager/korsryggsmerter/",
        "/klinikker/",
        "/klinikker/nemus-testby/",
        "/timebestilling/",
        "/timebestilling/nemus-testby/",
        "/personvern/",
        "/tilgjengelighet/",
        "/bedrifter/",
        "/plager/",
        "/en/privacy/",
        "/en/booking/",
    ],
)
def test_public_pages_may_be_kept_briefly_and_are_compressed(client, slot, path):
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    assert response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response["Vary"]
    assert b"</html>" in brotli.decompress(response.content)
    # The page cache serves the same headers on a hit; gzip where br is not asked.
    again = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert (again["X-Cache"], again["Cache-Control"]) == ("hit", PUBLIC)
    assert again["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(again.content)


@pytest.mark.parametrize(
    ("accept", "coding"),
    [("br;q=0, gzip", "gzip"), ("BR;q=0.5", "br"), ("identity", None), ("", None)],
)
def test_encoding_follows_what_the_client_accepts(client, accept, coding):
    response = client.get("/plager/korsryggsmerter/", HTTP_ACCEPT_ENCODING=accept)
    assert response.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response["Vary"]
    if coding is None:
        assert b"</html>" in response.content


def test_personal_pages_are_never_stored(
    client, slot, follow_up, django_capture_on_commit_callbacks
):
    form = client.get(book_url(slot), HTTP_ACCEPT_ENCODING="gzip, br")
    assert "no-store" in form["Cache-Control"] and "private" in form["Cache-Control"]
    # A page with a form token is gzipped with Django's BREACH padding, never brotli:
    # random bytes as the gzip header's file name (FNAME flag), so the length of the
    # same page differs from one response to the next.
    assert form["Content-Encoding"] == "gzip"
    assert form.content[3] & 0x08
    assert 'name="csrfmiddlewaretoken"' in gzip.decompress(form.content).decode()
    lengths = {
        len(client.get(book_url(slot), HTTP_ACCEPT_ENCODING="gzip").content)
        for _ in range(5)
    }
    assert len(lengths) > 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(book_url(slot), FORM)
    confirmation = client.get("/timebestilling/bekreftelse/")
    assert "no-store" in confirmation["Cache-Control"]
    assert "private" in confirmation["Cache-Control"]


def test_a_visitor_with_a_session_gets_private_pages(admin_client):
    response = admin_client.get("/plager/korsryggsmerter/")
    assert response["Cache-Control"] == "private, no-store"


def test_errors_and_cancel_links_are_private(client, slot, follow_up):
    from booking.links import cancel_token

    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    cancel = client.get(f"/timebestilling/avbestill/{cancel_token(booking)}/")
    assert "no-store" in cancel["Cache-Control"]
    assert client.get("/finnes-ikke/")["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", ["/admin/login/", "/healthz", "/robots.txt"])
def test_pages_outside_the_public_ones_are_never_stored(client, path):
    response = client.get(path, HTTP_ACCEPT_ENCODING="br, gzip")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response.get("Content-Encoding") != "br"
