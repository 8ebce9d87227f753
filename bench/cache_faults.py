"""How much slower the site is when Redis is refused or hung (issue: the cache is a
help, never a need). Prints figures as ratios to a healthy Redis in the same run.

    .venv/bin/python bench/cache_faults.py

Starts gunicorn (2 sync workers, DEBUG off) on a scratch SQLite database three
times: with the machine's Redis (127.0.0.1:6379/3), with a Redis address where
nothing listens, and with a server that accepts connections and never answers.
Each time it times 200 sequential GETs of the article and the finder, and one
booking post. Only 127.0.0.1 is contacted.
"""

import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.booking.test_concurrency import (  # noqa: E402
    SETUP,
    booking_body,
    open_form,
    shell,
)
from tests.conftest import GunicornServer  # noqa: E402

REQUESTS = 200
PAGES = ["/plager/korsryggsmerter/", "/klinikker/"]


def hung_server():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server, f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def refused_address():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


def timings(base_url, path):
    spent = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        with urllib.request.urlopen(base_url + path, timeout=30) as response:
            response.read()
        spent.append(time.perf_counter() - started)
    return statistics.mean(spent), statistics.quantiles(spent, n=20)[18]


def booking_time(server, path):
    opener, token = open_form(server.base_url, path)
    body = booking_body(
        token, name="Bench Pasient", phone="41234567", email="bench@example.invalid"
    )
    started = time.perf_counter()
    response = opener.open(server.base_url + path, data=body, timeout=60)
    return time.perf_counter() - started, response.status


def main() -> None:
    hung, hung_url = hung_server()
    cases = [
        ("Redis healthy", "redis://127.0.0.1:6379/3"),
        ("Redis refused", refused_address()),
        ("Redis hung", hung_url),
    ]
    results = {}
    for name, url in cases:
        with tempfile.TemporaryDirectory() as folder:
            server = GunicornServer(Path(folder), {"REDIS_URL": url})
            server.env["REDIS_URL"] = url  # GunicornServer drops the developer's
            server.start()
            try:
                path = shell(server, SETUP)
                pages = {page: timings(server.base_url, page) for page in PAGES}
                booking = booking_time(server, path)
            finally:
                server.stop()
        results[name] = (pages, booking)
    hung.close()
    base_pages, base_booking = results["Redis healthy"]
    print(f"{REQUESTS} sequential GETs per page; mean and p95 in ms; ratio of means")
    for name, (pages, (booking, status)) in results.items():
        for page, (mean, p95) in pages.items():
            ratio = mean / base_pages[page][0]
            print(
                f"{name:<14} {page:<28} mean {mean * 1000:6.1f}  "
                f"p95 {p95 * 1000:6.1f}  x{ratio:4.2f}"
            )
        print(
            f"{name:<14} {'booking post':<28} {booking * 1000:6.1f} ms  "
            f"status {status}  x{booking / base_booking[0]:4.2f}"
        )


if __name__ == "__main__":
    main()
