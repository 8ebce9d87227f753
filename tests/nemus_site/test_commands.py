import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_mode(settings):
    settings.DEMO_MODE = True


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    admins = get_user_model().objects.filter(username="admin")
    assert admins.count() == 1
    admin = admins.get()
    assert admin.is_staff and admin.is_superuser
    assert admin.has_usable_password() is False


def test_reset_admin_password_prints_a_new_working_password_each_time(rf):
    from django.conf import settings
    from django.contrib.auth import authenticate

    # The demo admin as seed_demo makes it (test_seed_demo_is_idempotent), without
    # the rest of the demo.
    get_user_model().objects.create_superuser(settings.DEMO_ADMIN_USERNAME, None, None)
    passwords = []
    for _ in range(2):
        out = StringIO()
        call_command("reset_admin_password", "--base-url", "http://x:8000", stdout=out)
        text = out.getvalue()
        assert "http://x:8000/admin/login/" in text
        passwords.append(re.search(r"password: (\S+)", text).group(1))
    assert passwords[0] != passwords[1]
    assert len(passwords[1]) >= 20
    login = rf.post(reverse("admin:login"))
    assert authenticate(login, username="admin", password=passwords[0]) is None
    assert (
        authenticate(login, username="admin", password=passwords[1]).username == "admin"
    )


def test_make_run_on_another_port_puts_that_port_in_email_links():
    import subprocess

    from tests.conftest import ROOT

    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "NEMUS_SITE_URL=${NEMUS_SITE_URL:-http://127.0.0.1:8123}" in plan
