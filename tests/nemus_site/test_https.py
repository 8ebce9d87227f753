import http.client
from urllib.parse import urlsplit

from django.urls import reverse


def request(server, path, headers=None):
    parts = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_https_switch_redirects_sets_hsts_and_host_cookies(gunicorn_server):
    server = gunicorn_server({"DJANGO_HTTPS": "1"})

    plain = request(server, "/en/?q=1")
    assert plain.status == 301
    assert plain.getheader("Location") == "https://127.0.0.1/en/?q=1"

    health = request(server, "/healthz")
    assert health.status == 200

    secure = request(server, reverse("admin:login"), {"X-Forwarded-Proto": "https"})
    assert secure.status == 200
    assert secure.getheader("Strict-Transport-Security") == (
        "max-age=63072000; includeSubDomains; preload"
    )
    cookie = secure.getheader("Set-Cookie")
    assert cookie.startswith("__Host-csrftoken=")
    assert "Secure" in cookie
    assert "Path=/" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Domain" not in cookie
    assert "default-src 'none'" in secure.getheader("Content-Security-Policy")
    assert secure.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert secure.getheader("X-Content-Type-Options") == "nosniff"
    assert secure.getheader("Cross-Origin-Resource-Policy") == "same-origin"
    assert secure.getheader("Permissions-Policy").startswith("geolocation=(self)")


def test_without_the_switch_plain_http_is_served(gunicorn_server):
    server = gunicorn_server()
    response = request(server, reverse("admin:login"))
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") is None
    assert response.getheader("Set-Cookie").startswith("csrftoken=")
