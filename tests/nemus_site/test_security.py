import os
import subprocess
import sys

import pytest

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
            "/admin/login/",
            {"username": "sjef", "password": "feil"},
            REMOTE_ADDR="10.9.9.9",
        )
        assert response.status_code == 200
        assert (
            "Vennligst oppgi gyldig brukernavn og passord" in response.content.decode()
        )
    locked = client.post(
        "/admin/login/",
        {"username": "sjef", "password": "feil"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert locked.status_code == 429
    assert "For mange mislykkede innlogginger." in locked.content.decode()
    # Even the right password is refused while locked out.
    again = client.post(
        "/admin/login/",
        {"username": "sjef", "password": "riktig-passord-123"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert again.status_code == 429
