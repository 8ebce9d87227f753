import logging

import pytest


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def django_log_lines():
    handler = ListHandler()
    logger = logging.getLogger("django")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_django_logs_carry_no_query_string_or_form_data(client, django_log_lines):
    client.get("/finnes-ikke/?q=0150&lat=59.91&lng=10.75")
    client.post("/finnes-ikke/", {"name": "Kari Nordmann", "phone": "99887766"})
    client.get("/en/nope/?email=kari%40example.no")
    assert len(django_log_lines) == 3
    joined = "\n".join(django_log_lines)
    for secret in ("0150", "59.91", "Kari", "99887766", "example.no", "?"):
        assert secret not in joined


def test_gunicorn_access_log_has_paths_but_no_query_strings(gunicorn_server):
    import urllib.request

    server = gunicorn_server()
    urllib.request.urlopen(server.base_url + "/?q=0150&lat=59.9139&lng=10.7522")
    server.stop()
    log = server.log_text()
    assert '"GET / HTTP/1.1" 200' in log
    assert "0150" not in log
    assert "59.9139" not in log
