"""The optional second factor for the admin (ADMIN_OTP, env DJANGO_ADMIN_OTP)."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "riktig-passord-123"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser(
        "sjef", "s@example.invalid", PASSWORD
    )


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


def login(client, **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "sjef", "password": PASSWORD, **extra},
    )


def test_without_the_switch_a_password_is_enough(client, staff, settings):
    settings.ADMIN_OTP = False
    page = client.get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' not in page
    response = login(client)
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_the_switch_the_password_alone_is_refused(client, staff, settings):
    settings.ADMIN_OTP = True
    TOTPDevice.objects.create(user=staff, name="Telefon")
    page = client.get(reverse("admin:login")).content.decode()
    assert 'autocomplete="one-time-code"' in page
    response = login(client)
    assert response.status_code == 200
    assert "Skriv inn koden fra autentiseringsappen." in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_with_the_switch_a_wrong_code_is_refused(client, staff, settings):
    settings.ADMIN_OTP = True
    device = TOTPDevice.objects.create(user=staff, name="Telefon")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = login(client, otp_token=wrong)
    assert response.status_code == 200
    assert "Koden er feil eller for gammel." in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_with_the_switch_the_code_from_the_app_lets_staff_in(client, staff, settings):
    settings.ADMIN_OTP = True
    device = TOTPDevice.objects.create(user=staff, name="Telefon")
    response = login(client, otp_token=current_code(device))
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("admin:index")
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Administrasjon" in index.content.decode()


def test_a_session_logged_in_before_the_switch_must_log_in_again(
    client, staff, settings
):
    settings.ADMIN_OTP = False
    assert login(client).status_code == 302
    settings.ADMIN_OTP = True
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_reset_admin_password_prints_a_backup_code_when_the_switch_is_on(
    settings, capsys, django_user_model
):
    settings.ADMIN_OTP = True
    django_user_model.objects.create_superuser(
        settings.DEMO_ADMIN_USERNAME, "a@example.invalid", "x" * 20
    )
    call_command("reset_admin_password")
    out = capsys.readouterr().out
    device = StaticDevice.objects.get(user__username=settings.DEMO_ADMIN_USERNAME)
    (token,) = device.token_set.values_list("token", flat=True)
    assert f"backup code: {token}" in out


def test_a_backup_code_works_once(client, staff, settings):
    settings.ADMIN_OTP = True
    device = StaticDevice.objects.create(user=staff, name="Reserve")
    device.token_set.create(token="abcd1234")
    assert login(client, otp_token="abcd1234").status_code == 302
    client.logout()
    again = login(client, otp_token="abcd1234")
    assert again.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_can_add_an_authenticator_app_and_see_its_qr_code(admin_client, settings):
    settings.ADMIN_OTP = False
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="admin")
    response = admin_client.post(
        "/admin/otp_totp/totpdevice/add/",
        {
            "user": user.pk,
            "name": "Telefon",
            "key": TOTPDevice().key,
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "confirmed": "on",
            "throttling_failure_count": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    device = TOTPDevice.objects.get(user=user)
    qr = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qr.status_code == 200
    assert qr["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in qr.content
