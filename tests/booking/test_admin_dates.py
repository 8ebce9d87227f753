"""Absurd or malformed dates in the staff pages: an empty list or a message,
never a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2026-13-01", "x"])
def test_the_day_list_falls_back_to_today_with_a_message(admin_client, value):
    response = admin_client.get(
        reverse("admin:booking_booking_day_list") + f"?date={value}"
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"«{value}» er ikke en dato vi kan vise; her er i dag."]


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "nei"])
@pytest.mark.parametrize("model", ["booking", "slot"])
def test_day_filters_give_an_empty_list(admin_client, value, model):
    response = admin_client.get(f"/admin/booking/{model}/?day={value}")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
