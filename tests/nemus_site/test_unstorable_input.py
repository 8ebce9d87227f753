"""NUL and other control characters never reach the database: a 400 page in the
page's language, on PostgreSQL as on SQLite (where NUL used to be a 500)."""

import pytest

from tests.factories import ClinicFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/%00",
        "/klinikker/%00/",
        "/timebestilling/avbestill/%00/",
        "/klinikker/?q=%00",
        "/klinikker/?q=50%0A14",
        "/klinikker/?%00=1",
        "/plager/korsryggsmerter/%7F",
    ],
)
def test_control_characters_get_a_norwegian_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "Forespørselen kunne ikke leses" in page_text(response.content.decode())


def test_the_english_site_answers_in_english(client):
    response = client.get("/en/clinics/%00/")
    assert response.status_code == 400
    assert "The request could not be read" in page_text(response.content.decode())


@pytest.mark.parametrize(
    "path",
    [
        "/admin/clinics/clinic/?town=%00",
        "/admin/booking/booking/?q=%00",
        "/admin/conditions/condition/%00/change/",
    ],
)
def test_admin_filters_refuse_them_too(admin_client, path):
    assert admin_client.get(path).status_code == 400


def test_ordinary_queries_pass(client):
    ClinicFactory(name="NEMUS Tromsø", town="Tromsø")
    response = client.get("/klinikker/?q=Tromsø")
    assert response.status_code == 200
    assert "nærmest Tromsø først" in response.content.decode()
