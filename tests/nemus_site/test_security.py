import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nemus_site.settings",
        "DJANGO_HTTPS": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-" + "x9" * 20,
        "DJANGO_ALLOWED_HOSTS": "www.nemus.no",
    }
    # Set for the browser tests in this process; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_permissions_and_cross_origin_headers_on_every_response(client):
    for path in ("/", "/klinikker/", "/healthz", "/finnes-ikke/"):
        response = client.get(path)
        assert response["Permissions-Policy"].startswith(
            "geolocation=(self), camera=()"
        )
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_admin_login_locks_out_after_repeated_failures(
    client, django_user_model, settings
):
    django_user_model.objects.create_superuser(
        "sjef", "s@example.invalid", "riktig-passord-123"
    )
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            reverse("admin:login"),
            {"username": "sjef", "password": "feil"},
            REMOTE_ADDR="10.9.9.9",
        )
        assert response.status_code == 200
        assert (
            "Vennligst oppgi gyldig brukernavn og passord" in response.content.decode()
        )
    locked = client.post(
        reverse("admin:login"),
        {"username": "sjef", "password": "feil"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert locked.status_code == 429
    assert "For mange mislykkede innlogginger." in locked.content.decode()
    assert "<title>Innlogging sperret | NEMUS administrasjon</title>" in (
        locked.content.decode()
    )
    # Even the right password is refused while locked out.
    again = client.post(
        reverse("admin:login"),
        {"username": "sjef", "password": "riktig-passord-123"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert again.status_code == 429


def test_a_missing_csrf_token_gets_a_plain_page_in_the_pages_language(
    slot_for_csrf,
):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(slot_for_csrf, {"name": "x"})
    assert response.status_code == 403
    assert "<h1>Skjemaet er utløpt</h1>" in response.content.decode()
    en = client.post("/en" + slot_for_csrf.replace("/timebestilling/", "/booking/"), {})
    assert en.status_code == 403
    assert "<h1>The form has expired</h1>" in en.content.decode()


@pytest.fixture
def slot_for_csrf():
    from tests.factories import AppointmentTypeFactory, SlotFactory

    AppointmentTypeFactory()
    slot = SlotFactory()
    return f"/timebestilling/{slot.clinic.slug}/{slot.pk}/"


def test_a_host_not_allowed_gets_a_plain_400():
    from django.test import Client

    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "<h1>Forespørselen kunne ikke leses</h1>" in response.content.decode()


def test_an_oversized_body_gets_a_400_not_a_traceback(client, settings, slot_for_csrf):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        slot_for_csrf,
        data="name=" + "a" * 5000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "<h1>Forespørselen kunne ikke leses</h1>" in response.content.decode()


def test_a_query_string_that_is_not_utf8_is_read_safely(client):
    response = client.get("/klinikker/?q=%FF%FE")
    # Read as the replacement characters, a place that does not exist.
    assert response.status_code == 400
    assert "Vi fant ikke noe sted som heter \ufffd\ufffd." in response.content.decode()


def test_a_broken_multipart_upload_is_a_400_with_the_form_again(client, slot_for_csrf):
    response = client.generic(
        "POST",
        slot_for_csrf,
        b'--broken\r\nContent-Disposition: form-data; name="x"\r\n\r\nno end',
        content_type="multipart/form-data; boundary=nope",
    )
    # Nothing readable arrived: the form comes back with what is missing.
    assert response.status_code == 400
    assert '<div class="nm-error-summary"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/", "/plager/korsryggsmerter/", "/klinikker/"])
def test_methods_a_page_does_not_take_get_405_not_a_form_error(method, path):
    from django.test import Client

    # With CSRF checks on, as a browser meets them: the check ran first and said
    # "the form has expired" (403) to a PUT on a page that has no form.
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert "GET" in response["Allow"]


CHARSETS = ["utf-16", "utf-32", "utf-7", "utf-16-le", "cp500", "latin-1", "x-unknown"]


@pytest.mark.parametrize("charset", CHARSETS)
def test_a_form_body_in_a_charset_we_do_not_read_is_a_400_in_the_pages_language(
    slot_for_csrf, charset
):
    """Issue 29: 30 of 33 charsets were gunicorn's bare 500 (the CSRF check read
    the body in that charset, and Django's 400 page read it again)."""
    from django.test import Client

    # With a valid CSRF cookie and token, as a browser has them: the check reads
    # the body in that charset (and so did Django's 400 page after it).
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.get("/admin/login/")
    token = client.cookies["csrftoken"].value.encode()
    kind = f"application/x-www-form-urlencoded; charset={charset}"
    for url, heading in (
        (slot_for_csrf, "<h1>Forespørselen kunne ikke leses</h1>"),
        (
            "/en" + slot_for_csrf.replace("/timebestilling/", "/booking/"),
            "<h1>The request could not be read</h1>",
        ),
        ("/admin/login/", "<h1>Forespørselen kunne ikke leses</h1>"),
    ):
        # The bytes as a hostile client sends them (plain ASCII, whatever the label).
        response = client.generic(
            "POST", url, b"name=x&csrfmiddlewaretoken=" + token, content_type=kind
        )
        assert response.status_code == 400, (url, charset)
        assert heading in response.content.decode()
    # The same body in UTF-8 (what every browser sends) is read as usual.
    plain = client.post(
        slot_for_csrf,
        data="name=x&csrfmiddlewaretoken=" + token.decode(),
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert plain.status_code == 400  # the booking form again, with its errors
    assert "kunne ikke leses" not in plain.content.decode()
    assert 'value="x"' in plain.content.decode()


@pytest.mark.parametrize("selected", ["abc", "1.5", "", "١"])
def test_an_admin_action_on_rows_that_are_not_numbers_is_a_400(admin_client, selected):
    """Issue 29: `_selected_action=abc` was a 500 (the queryset filter raised)."""
    for url, action in (
        ("/admin/booking/booking/", "mark_attended"),
        ("/admin/clinics/clinic/", "delete_selected"),
    ):
        response = admin_client.post(
            url, {"action": action, "_selected_action": ["1", selected]}
        )
        assert response.status_code == 400
        assert "<h1>Forespørselen kunne ikke leses</h1>" in response.content.decode()
