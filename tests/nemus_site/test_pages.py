import re
import xml.etree.ElementTree as ET

import pytest
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def html_lang(content: bytes) -> str:
    match = re.search(rb'<html lang="([^"]+)"', content)
    return match.group(1).decode() if match else ""


def test_home_is_norwegian_without_prefix(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert html_lang(response.content) == "nb"
    assert response["Content-Language"] == "nb"
    text = response.content.decode()
    assert "<h1>Hjelp for vondt i rygg, nakke og ledd</h1>" in text
    assert '<a href="tel:113">113</a>' in text
    assert '<a href="tel:116117">116 117</a>' in text


def test_home_in_english_under_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert html_lang(response.content) == "en"
    assert "<h1>Help for back, neck and joint pain</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "other_lang", "other_url"),
    [("/", "en", "/en/"), ("/en/", "nb", "/")],
)
def test_language_switcher_and_hreflang_lead_to_the_same_page(
    client, path, other_lang, other_url
):
    text = client.get(path).content.decode()
    assert (
        f'<a class="nm-language-switcher__link" href="{other_url}" '
        f'hreflang="{other_lang}" lang="{other_lang}">'
    ) in text
    hreflangs = re.findall(
        r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', text
    )
    assert hreflangs == [
        ("nb", "http://testserver/"),
        ("en", "http://testserver/en/"),
    ]


def test_json_ld_is_a_data_block_and_cannot_break_out(client):
    text = client.get("/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text)
    assert len(blocks) == 1
    assert '"@type": "MedicalOrganization"' in blocks[0]


def test_json_ld_tag_escapes_html():
    from nemus_site.templatetags.nemus import json_ld

    html = json_ld({"name": "</script><script>alert(1)</script>&"})
    assert html == (
        '<script type="application/ld+json">{"name": '
        '"\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E'
        '\\u0026"}</script>'
    )


def test_healthz_answers_when_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_when_database_fails(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


def test_robots_txt_points_to_sitemap_and_keeps_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_sitemap_lists_each_page_in_both_languages_with_alternates(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = root.findall("sm:url", SITEMAP_NS)
    alternates_by_location = {
        url.find("sm:loc", SITEMAP_NS).text: {
            link.get("hreflang"): link.get("href")
            for link in url.findall("xhtml:link", SITEMAP_NS)
        }
        for url in urls
    }
    pairs = [
        ("/", "/en/"),
        ("/plager/", "/en/conditions/"),
        ("/klinikker/", "/en/clinics/"),
        ("/timebestilling/", "/en/booking/"),
        ("/plager/korsryggsmerter/", "/en/conditions/low-back-pain/"),
        ("/tilgjengelighet/", "/en/accessibility/"),
        ("/bedrifter/", "/en/businesses/"),
        ("/personvern/", "/en/privacy/"),
    ]
    expected = {}
    for nb, en in pairs:
        alternates = {
            "nb": f"http://testserver{nb}",
            "en": f"http://testserver{en}",
            "x-default": f"http://testserver{nb}",
        }
        expected[f"http://testserver{nb}"] = alternates
        expected[f"http://testserver{en}"] = alternates
    assert alternates_by_location == expected
    assert len(urls) == 16


def test_404_is_in_the_page_language(client):
    nb = client.get("/finnes-ikke/")
    assert nb.status_code == 404
    assert html_lang(nb.content) == "nb"
    assert "<h1>Fant ikke siden</h1>" in nb.content.decode()
    en = client.get("/en/does-not-exist/")
    assert en.status_code == 404
    assert html_lang(en.content) == "en"
    assert "<h1>Page not found</h1>" in en.content.decode()


def test_500_page_renders_without_a_database(rf, monkeypatch):
    from django.db import connection
    from django.views.defaults import server_error

    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    monkeypatch.setattr(connection, "cursor", no_database)
    with translation.override("nb"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert html_lang(response.content) == "nb"
    assert "<h1>Noe gikk galt</h1>" in response.content.decode()
    with translation.override("en"):
        response = server_error(rf.get("/en/"))
    assert "<h1>Something went wrong</h1>" in response.content.decode()


def test_admin_is_norwegian_whatever_the_browser_asks(client):
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert html_lang(response.content) == "nb"
    assert 'value="Logg inn"' in response.content.decode()


def test_security_headers_on_every_page(client):
    response = client.get("/")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy == {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data: https://cache.kartverket.no",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_works_without_the_https_switch(client, settings):
    response = client.get("/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    assert settings.SESSION_COOKIE_SECURE is False
