"""``/healthz``: the JSON probe load balancers and ``zappa deploy`` call."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_health_probe_needs_no_login_and_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-cache" in response["Cache-Control"]


def test_health_probe_answers_only_get(client):
    assert client.post("/healthz").status_code == 405
