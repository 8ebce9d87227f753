"""The front as deployed: Debian's nginx with deploy/nginx/nemus.conf before gunicorn.

Installed by `make install-dev` (the nginx target); in CI a missing nginx fails these
tests instead of skipping them.
"""

import gzip
import json
import os
import re
import socket
import ssl
import time
import urllib.parse
from pathlib import Path

import brotli
import pytest

from tests.booking.test_concurrency import SETUP, shell
from tests.conftest import GunicornServer
from tests.deploy.front import HOST, Front, free_port, nginx_binary

if nginx_binary() is None:
    if os.environ.get("CI"):
        pytest.fail("nginx is missing: `make install-dev` installs it", pytrace=False)
    pytest.skip("nginx is not installed (make install-dev)", allow_module_level=True)

# The suite's autouse fixtures (cache, content snapshot) use the test database, which
# pytest-django only sets up when a collected test asks for it.
pytestmark = [pytest.mark.nginx, pytest.mark.django_db]

ARTICLE = "/plager/korsryggsmerter/"
# Short shared-cache times for this module, so expiry can be watched in seconds.
FRESH, STALE = 1, 1


def at_a_second_start() -> None:
    """Wait until the wall clock is just past a whole second: nginx counts a copy's
    life in whole seconds (a copy stored in second k is fresh while the clock's
    second is at most k + FRESH), so one stored now has all of its life ahead."""
    time.sleep((1.05 - time.time() % 1) % 1)


@pytest.fixture(scope="module")
def app(tmp_path_factory, collected_static, migrated_sqlite):
    server = GunicornServer(
        tmp_path_factory.mktemp("app"),
        {
            "DJANGO_HTTPS": "1",
            "DJANGO_PROXY_COUNT": "1",
            "DJANGO_ALLOWED_HOSTS": f"{HOST},www.{HOST},127.0.0.1",
            "BOOKING_RATE_LIMIT": "2",
            "NEMUS_SHARED_CACHE_SECONDS": str(FRESH),
            "NEMUS_SHARED_CACHE_STALE_SECONDS": str(STALE),
            "GUNICORN_WORKERS": "2",
        },
        static=collected_static,
        migrated=migrated_sqlite,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def front(app, tmp_path_factory):
    proxy = Front(tmp_path_factory.mktemp("front"), app.port)
    proxy.start()
    yield proxy
    proxy.stop()


def _logged(app, path: str) -> int:
    return sum(
        1
        for line in app.log_text().splitlines()
        if line.startswith("{") and json.loads(line).get("path") == path
    )


def app_hits(app, path: str, *, expected: int | None = None) -> int:
    """Requests for `path` that reached gunicorn, from its access log. gunicorn writes
    a line just after the response is sent: with `expected`, wait up to 5 s for that
    many, then a moment longer for any more."""
    if expected is None:
        return _logged(app, path)
    deadline = time.monotonic() + 5
    while _logged(app, path) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    return _logged(app, path)


def front_log(front, *, until: str = "") -> list[dict]:
    """nginx's access log; with `until`, once a line holds that (up to 5 s)."""
    deadline = time.monotonic() + 5
    while until not in front.access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    return [json.loads(line) for line in front.access_log.read_text().splitlines()]


def test_the_config_is_valid_for_nginx(front):
    checked = front.check()
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_a_public_page_is_served_from_the_cache_without_reaching_gunicorn(app, front):
    path = "/klinikker/"
    before = app_hits(app, path)
    at_a_second_start()
    first = front.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    second = front.get(path, headers={"Accept-Encoding": "br, gzip"})
    assert (first.status, second.status) == (200, 200)
    assert first.header("X-Cache-Status") == "MISS"
    assert second.header("X-Cache-Status") == "HIT"
    assert app_hits(app, path, expected=before + 1) == before + 1
    # Compressed by Django (brotli, public page), passed through and kept as it is.
    assert second.header("Content-Encoding") == "br"
    assert "Klinikker" in brotli.decompress(second.body).decode()
    assert "public" in second.header("Cache-Control")
    # gzip is a copy of its own (one request to gunicorn), then kept too.
    at_a_second_start()
    zipped = front.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.header("Content-Encoding") == "gzip"
    assert "Klinikker" in gzip.decompress(zipped.body).decode()
    assert front.get(path, headers={"Accept-Encoding": "gzip"}).header(
        "X-Cache-Status"
    ) == ("HIT")
    assert app_hits(app, path, expected=before + 2) == before + 2


def test_static_files_come_from_whitenoise_compressed_and_are_kept(app, front):
    manifest = json.loads(
        (Path(app.env["DJANGO_STATIC_ROOT"]) / "staticfiles.json").read_text()
    )
    path = "/static/" + manifest["paths"]["css/nemus.css"]
    first = front.get(path, headers={"Accept-Encoding": "gzip, br"})
    second = front.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert (first.status, second.status) == (200, 200)
    assert second.header("X-Cache-Status") == "HIT"
    assert "immutable" in second.header("Cache-Control")
    assert second.header("Content-Encoding") == "br"
    assert b"--nm-color-brand" in brotli.decompress(second.body)
    assert app_hits(app, path, expected=1) == 1


def test_a_client_asking_only_for_br_gets_br_without_a_brotli_module(front):
    response = front.get("/personvern/", headers={"Accept-Encoding": "br"})
    assert response.status == 200
    assert response.header("Content-Encoding") == "br"
    assert "Personvern" in brotli.decompress(response.body).decode()


def test_a_request_with_a_session_cookie_is_never_cached(app, front):
    before = app_hits(app, ARTICLE)
    for _ in range(3):
        response = front.get(
            ARTICLE, headers={"Cookie": "__Host-sessionid=abc; other=1"}
        )
        assert response.status == 200
        assert response.header("X-Cache-Status") == "BYPASS"
    assert app_hits(app, ARTICLE, expected=before + 3) == before + 3


def test_a_query_string_neither_fills_the_cache_nor_reaches_the_log(app, front):
    before = app_hits(app, "/klinikker/")
    for _ in range(2):
        response = front.get("/klinikker/?postnummer=0150&lat=59.9127&lng=10.7461")
        assert response.status == 200
        assert response.header("X-Cache-Status") == "BYPASS"
    assert app_hits(app, "/klinikker/", expected=before + 2) == before + 2
    front_log(front, until='"path": "/klinikker/"')
    log = front.access_log.read_text()
    assert "postnummer" not in log and "0150" not in log and "59.9127" not in log
    assert "10.7461" not in log
    assert "?" not in log
    assert any(entry["path"] == "/klinikker/" for entry in front_log(front))


def test_a_token_in_a_path_is_not_logged(front):
    token = "AbCdEf0123456789xyzXYZ_-Q"
    front.get(f"/timebestilling/avbestill/{token}/")
    entries = front_log(front, until="/avbestill/")
    assert token not in front.access_log.read_text()
    assert any(
        entry["path"] == "/timebestilling/avbestill/[token]/" for entry in entries
    )


def test_a_personal_page_is_never_kept(front):
    statuses = {
        front.get("/admin/login/").header("X-Cache-Status") for _ in range(2)
    } | {front.get("/healthz").header("X-Cache-Status") for _ in range(2)}
    assert statuses <= {"MISS"}, statuses


def test_a_page_is_fresh_briefly_then_stale_while_revalidating_then_gone(app, front):
    path = "/personvern/"
    front.get(path)  # may be kept from an earlier test; start a fresh copy
    time.sleep(FRESH + STALE + 1)
    at_a_second_start()
    assert front.get(path).header("X-Cache-Status") == "EXPIRED"
    # nginx counts in whole seconds: a copy stored in second k is fresh until
    # k + FRESH has passed, then stale for STALE seconds.
    stored = int(time.time())
    assert front.get(path).header("X-Cache-Status") == "HIT"
    time.sleep(max(0, stored + FRESH + 1.5 - time.time()))
    # Past s-maxage, inside stale-while-revalidate: the kept copy, and a new one
    # fetched in the background.
    assert front.get(path).header("X-Cache-Status") in {"STALE", "UPDATING"}
    # The background fetch lands in a moment; then it is fresh again.
    deadline = time.monotonic() + 3
    while front.get(path).header("X-Cache-Status") != "HIT":
        assert time.monotonic() < deadline, "the background update never landed"
        time.sleep(0.1)
    # Past both: never served from the old copy.
    time.sleep(FRESH + STALE + 1)
    assert front.get(path).header("X-Cache-Status") == "EXPIRED"


def test_http_is_redirected_to_https(front):
    response = front.plain("/plager/korsryggsmerter/?utm=1")
    assert response.status == 301
    assert (
        response.header("Location") == f"https://{HOST}/plager/korsryggsmerter/?utm=1"
    )


def test_an_unknown_host_is_refused(front):
    with pytest.raises(ConnectionError):
        front.plain("/", host="evil.example")
    with pytest.raises(ssl.SSLError):
        front.get("/", host="evil.example", sni="evil.example")
    # Our name in TLS but another in Host: closed without an answer.
    with pytest.raises(ConnectionError):
        front.get("/", host="evil.example")


def test_a_forged_x_forwarded_for_does_not_change_the_rate_limit_address(app, front):
    path = shell(app, SETUP)
    form = front.get(path)
    assert form.status == 200
    cookie = re.search(r"(__Host-csrftoken=[^;]+)", form.header("Set-Cookie")).group(1)
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body.decode()
    ).group(1)
    statuses = []
    for number in range(4):
        response = front.request(
            "POST",
            path,
            body=urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "name": "", "phone": ""}
            ).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}{path}",
                # A new address each time: with it trusted, the limit would never hit.
                "X-Forwarded-For": f"203.0.113.{number + 1}",
            },
        )
        statuses.append(response.status)
    # BOOKING_RATE_LIMIT=2 posts an hour from one address: the form's errors twice,
    # then refused, whatever X-Forwarded-For says.
    assert statuses == [400, 400, 429, 429], statuses


def test_an_oversized_body_gets_the_branded_page(front):
    with socket.create_connection(("127.0.0.1", front.https_port), 5) as raw:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with context.wrap_socket(raw, server_hostname=HOST) as sock:
            sock.sendall(
                b"POST /admin/login/ HTTP/1.1\r\nHost: nemus.no\r\n"
                b"Content-Type: multipart/form-data; boundary=x\r\n"
                b"Content-Length: 9000000\r\nConnection: close\r\n\r\n"
            )
            answer = b""
            # nginx answers at once, then waits a while for the body it refused.
            while b"</html>" not in answer and (chunk := sock.recv(65536)):
                answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "Det du sendte, er for stort" in body.decode()


def test_200_half_open_connections_leave_healthz_answering(front, capsys):
    held = []
    try:
        for number in range(200):
            if number % 2:
                # Half a request, never finished (on the plain HTTP port).
                sock = socket.create_connection(("127.0.0.1", front.http_port), 5)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: nemus.no\r\n")
            else:
                # A TLS connection that never says hello.
                sock = socket.create_connection(("127.0.0.1", front.https_port), 5)
            held.append(sock)
        start = time.monotonic()
        response = front.get("/healthz", timeout=5)
        elapsed = time.monotonic() - start
        page = front.get(ARTICLE, headers={"Cookie": "__Host-sessionid=x"}, timeout=5)
    finally:
        for sock in held:
            sock.close()
    assert response.status == 200 and page.status == 200
    assert elapsed < 2, elapsed
    with capsys.disabled():
        # The figure for the notes (make front-test shows it).
        print(f"\n/healthz with {len(held)} half-open connections: {elapsed:.3f} s")  # noqa: T201


@pytest.fixture
def front_without_app(tmp_path):
    proxy = Front(tmp_path, free_port())  # nothing listens there
    proxy.start()
    yield proxy
    proxy.stop()


def test_an_app_server_that_is_down_gets_the_branded_page(front_without_app):
    response = front_without_app.get(ARTICLE, headers={"Accept-Encoding": "gzip"})
    assert response.status == 502
    body = response.body
    if response.header("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    text = body.decode()
    assert "Nettsiden er ikke tilgjengelig akkurat nå" in text
    assert '<html lang="nb">' in text and "113" in text
    assert "nginx" not in text.lower()
    assert response.header("Cache-Control") == "no-store"


def test_a_calendar_feeds_token_is_not_logged(front):
    """Issue 29: the .ics after the token hid it from the pattern."""
    token = "Zx9_-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab"
    front.get(f"/timebestilling/kalender/{token}.ics")
    entries = front_log(front, until="/kalender/")
    assert token not in front.access_log.read_text()
    assert any(
        entry["path"] == "/timebestilling/kalender/[token].ics" for entry in entries
    )


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("gzip;q=0", None),
        ("gzip; q=0.0, identity", None),
        ("br, gzip;q=0", "br"),
        ("gzip;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
    ],
)
def test_a_coding_refused_with_q0_is_never_sent(front, accept, coding):
    response = front.get("/personvern/", headers={"Accept-Encoding": accept})
    assert response.status == 200
    assert (response.header("Content-Encoding") or None) == coding
    if coding is None:
        assert "Personvern" in response.body.decode()


def test_an_encoded_slash_is_refused_not_cached_under_a_key_of_its_own(app, front):
    before = app_hits(app, "/plager/korsryggsmerter/")
    for spelling in ("/plager%2Fkorsryggsmerter/", "/plager%2fkorsryggsmerter/"):
        response = front.get(spelling)
        assert response.status == 404
        assert "Siden finnes ikke" in response.body.decode()
        assert response.header("X-Cache-Status") in ("", None)
    assert app_hits(app, "/plager/korsryggsmerter/") == before


def test_an_oversized_post_is_logged_as_the_post_it_was(front):
    test_an_oversized_body_gets_the_branded_page(front)
    entries = front_log(front, until='"status": 413')
    [entry] = [entry for entry in entries if entry["status"] == 413][-1:]
    assert (entry["method"], entry["path"]) == ("POST", "/admin/login/")


TAPPED_SETUP = """
import datetime as dt
from django.utils import timezone
from clinics.hours import OSLO
from tests.factories import ClinicFactory, PractitionerFactory, SlotFactory
clinic = ClinicFactory(name="NEMUS Dagvalg", slug="nemus-dagvalg")
person = PractitionerFactory(clinic=clinic, name="Dag Valg")
day = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=4)
slots = [
    SlotFactory(practitioner=person,
        starts_at=dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO))
    for hour in (9, 10)
]
print(day.isoformat(), slots[0].pk)
"""

BOOK = """
from booking.services import booking_create
from tests.booking.conftest import PATIENT
from tests.factories import AppointmentTypeFactory
booking_create(slot_id={slot_id}, appointment_type=AppointmentTypeFactory(), **PATIENT)
print("booked")
"""


def test_a_tapped_day_is_kept_and_a_booking_shows_within_ten_seconds(app, front):
    """Issue 39: `?dag=` and a date alone is kept by the front like a plain page
    (each day its own copy); a postcode, a filter or anything more never is. A
    booking shows on the kept day within s-maxage and one revalidation (FRESH +
    STALE here, 10 s + one request with the defaults): asserted within 10 s."""
    day, slot_id = shell(app, TAPPED_SETUP).split()
    path = f"/timebestilling/nemus-dagvalg/?dag={day}"
    statuses = [front.get(path).header("X-Cache-Status") for _ in range(3)]
    assert statuses[-1] == "HIT", statuses
    page = front.get(path).body.decode()
    assert f"/timebestilling/nemus-dagvalg/{slot_id}/" in page
    for other in (
        "/timebestilling/?q=0150",
        "/klinikker/?q=0150",
        f"{path}&yrke=kiropraktor",
        f"/timebestilling/nemus-dagvalg/?yrke=kiropraktor&dag={day}",
    ):
        kept = {front.get(other).header("X-Cache-Status") for _ in range(2)}
        assert kept == {"BYPASS"}, (other, kept)
    # A made-up day is asked for like a tapped one, but its answer (400) is not kept.
    made_up = "/timebestilling/nemus-dagvalg/?dag=2099-01-01"
    twice = [front.get(made_up), front.get(made_up)]
    answers = {(r.status, r.header("X-Cache-Status")) for r in twice}
    assert answers == {(400, "MISS")}, answers
    assert shell(app, BOOK.format(slot_id=slot_id)) == "booked"
    booked = time.monotonic()
    while f"/timebestilling/nemus-dagvalg/{slot_id}/" in front.get(path).body.decode():
        assert time.monotonic() - booked < 10, "the booked time still shows"
        time.sleep(0.2)
