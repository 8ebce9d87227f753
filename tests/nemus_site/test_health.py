"""/healthz stays a liveness check; ?full=1 names what fails, for operators only."""

import json

import pytest


@pytest.mark.django_db
def test_full_health_reports_every_dependency(client):
    response = client.get("/healthz?full=1")
    assert response.status_code == 200
    report = json.loads(response.content)
    assert report["status"] == "ok"
    assert set(report["checks"]) == {
        "database read",
        "database write",
        "cache",
        "e-mail outbox",
    }
    assert all(check["ok"] for check in report["checks"].values())


@pytest.mark.django_db
def test_full_health_is_for_operators_only(client, settings):
    settings.NEMUS_HEALTH_TOKEN = "s3cret-health-token"
    assert client.get("/healthz?full=1", REMOTE_ADDR="10.0.0.5").status_code == 403
    assert client.get("/healthz", REMOTE_ADDR="10.0.0.5").status_code == 200
    allowed = client.get(
        "/healthz?full=1",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_HEALTH_TOKEN="s3cret-health-token",
    )
    assert allowed.status_code == 200
    wrong = client.get(
        "/healthz?full=1", REMOTE_ADDR="10.0.0.5", HTTP_X_HEALTH_TOKEN="guess"
    )
    assert wrong.status_code == 403
