"""Cache-Control and compression on every page: public pages briefly in shared
caches, personal ones never; all of them compressed."""

import gzip

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
    ],
)
def test_public_pages_may_be_kept_briefly_and_are_compressed(client, slot, path):
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"</html>" in gzip.decompress(response.content)
    # The page cache serves the same headers on a hit.
    again = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert (again["X-Cache"], again["Cache-Control"]) == ("hit", PUBLIC)


def test_personal_pages_are_never_stored(
    client, slot, follow_up, django_capture_on_commit_callbacks
):
    form = client.get(book_url(slot), HTTP_ACCEPT_ENCODING="gzip")
    assert "no-store" in form["Cache-Control"] and "private" in form["Cache-Control"]
    # A page with a form token is compressed too (Django's BREACH padding).
    assert form["Content-Encoding"] == "gzip"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(book_url(slot), FORM)
    confirmation = client.get("/timebestilling/bekreftelse/")
    assert "no-store" in confirmation["Cache-Control"]
    assert "private" in confirmation["Cache-Control"]


def test_a_visitor_with_a_session_gets_private_pages(admin_client):
    response = admin_client.get("/plager/korsryggsmerter/")
    assert response["Cache-Control"] == "private, no-store"


def test_errors_and_cancel_links_are_private(client, slot, follow_up):
    from booking.emails import cancel_token

    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    cancel = client.get(f"/timebestilling/avbestill/{cancel_token(booking)}/")
    assert "no-store" in cancel["Cache-Control"]
    assert client.get("/finnes-ikke/")["Cache-Control"] == "private, no-store"
