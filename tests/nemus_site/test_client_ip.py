import pytest
from django.test import RequestFactory
from django.urls import reverse

from nemus_site.client_ip import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.2"),  # no proxy configured: the header is ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # left entry is the client's
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2"),  # fewer entries than proxies
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_one_our_outermost_proxy_saw(
    settings, proxies, forwarded, expected
):
    settings.NEMUS_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_the_admin_lockout_keys_on_the_forwarded_address(
    client, django_user_model, settings
):
    settings.NEMUS_PROXY_COUNT = 1
    django_user_model.objects.create_superuser(
        "sjef", "s@example.invalid", "riktig-passord-123"
    )
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": "sjef", "password": "feil"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    locked = client.post(
        reverse("admin:login"),
        {"username": "sjef", "password": "riktig-passord-123"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429
    # Someone else behind the same proxy is not locked out.
    other = client.post(
        reverse("admin:login"),
        {"username": "sjef", "password": "riktig-passord-123"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert other.status_code == 302
