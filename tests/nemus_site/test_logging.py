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
    client.get("/finnes-ikke/?q=0150&lat=59.91&lng=10.75", HTTP_X_REQUEST_ID="abc12345")
    client.post("/finnes-ikke/", {"name": "Kari Nordmann", "phone": "99887766"})
    client.get("/en/nope/?email=kari%40example.no")
    assert len(django_log_lines) == 3
    joined = "\n".join(django_log_lines)
    for secret in ("0150", "59.91", "Kari", "99887766", "example.no", "?"):
        assert secret not in joined


@pytest.mark.django_db
def test_django_log_lines_are_json_with_the_request_id(client):
    import json
    import logging

    from nemus_site.request_id import RequestIdLogFilter

    handler = logging.StreamHandler()
    handler.setFormatter(logging.getLogger("django").handlers[0].formatter)
    handler.addFilter(RequestIdLogFilter())
    records = []
    handler.emit = lambda record: records.append(handler.format(record))
    logging.getLogger("django").addHandler(handler)
    try:
        response = client.get("/finnes-ikke/", HTTP_X_REQUEST_ID="trace-1234-abcd")
    finally:
        logging.getLogger("django").removeHandler(handler)
    assert response["X-Request-ID"] == "trace-1234-abcd"
    line = json.loads(records[-1])
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"
    assert line["message"] == "Not Found: /finnes-ikke/"
    assert line["request_id"] == "trace-1234-abcd"


@pytest.mark.django_db
def test_a_made_up_request_id_is_replaced(client):
    response = client.get("/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


def test_gunicorn_access_log_is_json_with_path_and_request_id_but_no_query(
    gunicorn_server,
):
    import json
    import urllib.request

    server = gunicorn_server()
    response = urllib.request.urlopen(
        server.base_url + "/klinikker/?q=0150&lat=59.9139&lng=10.7522"
    )
    request_id = response.headers["X-Request-ID"]
    server.stop()
    log = server.log_text()
    access = [
        json.loads(line)
        for line in log.splitlines()
        if line.startswith("{") and '"logger": "access"' in line
    ]
    assert [(a["method"], a["path"], a["status"]) for a in access[-1:]] == [
        ("GET", "/klinikker/", 200)
    ]
    assert access[-1]["request_id"] == request_id
    assert len(request_id) == 32
    assert "0150" not in log
    assert "59.9139" not in log
    assert "127.0.0.1 " not in log
