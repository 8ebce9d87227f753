"""No signed token ever reaches a log line: gunicorn's access log and Django's own
lines show "[token]" where a cancel link's token was."""

import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from nemus_site.redact import redact_path
from tests.booking.test_concurrency import SETUP, booking_body, open_form, shell


def test_a_booking_run_logs_no_token(gunicorn_server):
    server = gunicorn_server({"BOOKING_RATE_LIMIT": "1000"})
    path = shell(server, SETUP)
    opener, csrf = open_form(server.base_url, path)
    body = booking_body(
        csrf, name="Pasient Logg", phone="41234567", email="logg@example.invalid"
    )
    assert opener.open(server.base_url + path, data=body, timeout=20).status == 302
    mail = "\n".join(
        file.read_text(encoding="utf-8")
        for file in Path(server.env["DJANGO_EMAIL_FILE_PATH"]).glob("*.log")
    )
    cancel_path = re.search(r"https?://[^/\s]+(/timebestilling/avbestill/\S+/)", mail)
    assert cancel_path, "no cancel link in the e-mail"
    cancel_path = cancel_path.group(1)
    token = cancel_path.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 20
    assert opener.open(server.base_url + cancel_path, timeout=20).status == 200
    # A tampered link: Django logs the 404 with its path.
    tampered = cancel_path[:-3] + ("A" if cancel_path[-3] != "A" else "B") + "x/"
    try:
        opener.open(server.base_url + tampered, timeout=20)
    except urllib.error.HTTPError as error:
        assert error.code == 404
    server.stop()
    log = server.log_text()
    assert "/timebestilling/avbestill/[token]/" in log
    assert token not in log
    assert tampered.rsplit("/", 2)[1] not in log
    assert "Pasient Logg" not in log and "logg@example.invalid" not in log


def test_slugs_ids_and_static_names_are_kept():
    kept = [
        "/klinikker/nemus-kristiansand-sentrum/",
        "/timebestilling/nemus-oslo/123/",
        "/static/css/nemus.8a7b6c5d4e3f.css",
    ]
    assert [redact_path(path) for path in kept] == kept


def test_a_calendar_feeds_token_is_redacted():
    from booking.models import new_feed_token

    token = new_feed_token()
    for path in (
        f"/timebestilling/kalender/{token}.ics",
        f"GET /en/booking/calendar/{token}.ics HTTP/1.1",
    ):
        redacted = redact_path(path)
        assert token not in redacted and "[token].ics" in redacted
