"""Right after a save, many visitors at once cause one render of a page, not one
each: the first request renders it, the others get the page as it was (or, when
there was none yet, wait for the one being made). Real gunicorn with two workers
of 16 threads each on the embedded default (SQLite and its cache table), so 32
requests really run side by side; `X-Cache: miss` marks each render that stored
a page."""

import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.booking.conftest import shell

ARTICLE = "/plager/korsryggsmerter/"
NEW_SENTENCE = "Ny setning lagret like før travelheten."
SAVE = f"""
from conditions.models import ConditionItem
item = ConditionItem.objects.filter(part__condition__slug="korsryggsmerter").first()
item.text = {NEW_SENTENCE!r}
item.save()
print("saved")
"""


def get(server, path):
    with urllib.request.urlopen(server.base_url + path, timeout=30) as response:
        return response.status, response.headers.get("X-Cache"), response.read()


def together(server, path, count=32):
    """`count` requests for `path`, let go at the same moment."""
    start = threading.Barrier(count)

    def one(_n):
        start.wait()
        return get(server, path)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


@pytest.fixture
def server(gunicorn_server):
    return gunicorn_server(
        {
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "16",
            "NEMUS_PAGE_CACHE_SECONDS": "60",
            "NEMUS_DEMO_MODE": "0",
        }
    )


def test_32_requests_right_after_a_save_render_the_page_once(server):
    for _ in range(6):  # both workers have the page, in memory and shared
        status, _label, _body = get(server, ARTICLE)
        assert status == 200
    assert get(server, ARTICLE)[1] == "hit"
    assert shell(server, SAVE) == "saved"

    results = together(server, ARTICLE)

    labels = [label for _status, label, _body in results]
    assert all(status == 200 for status, _label, _body in results)
    assert labels.count("miss") == 1, labels
    assert set(labels) <= {"miss", "stale", "hit"}
    # Afterwards everyone gets the new text, from the cache.
    status, label, body = get(server, ARTICLE)
    assert (status, label) == (200, "hit")
    assert NEW_SENTENCE in body.decode()


def test_32_requests_for_a_page_never_rendered_render_it_once(server):
    """Nothing to give while it renders: the others wait for it."""
    results = together(server, "/klinikker/")
    labels = [label for _status, label, _body in results]
    assert all(status == 200 for status, _label, _body in results)
    assert labels.count("miss") == 1, labels
    assert labels.count("hit") == 31
    assert len({body for _status, _label, body in results}) == 1
