import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200
    body = reply.json()
    assert body["database"] == "ok"
    assert body["engine"] == connection.vendor
    assert "broker" in body


@pytest.mark.django_db
def test_healthz_reports_a_live_broker(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    assert client.get("/healthz").json()["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_dead_broker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    body = client.get("/healthz").json()
    assert body["broker"].startswith("down")


@pytest.fixture
def server_database(transactional_db):
    # An in-memory SQLite test database cannot be "stopped"; a server database can be pointed
    # at a port where nothing listens.
    if connection.vendor != "postgresql":
        from conftest import service_missing

        service_missing(f"this test needs PostgreSQL, the database is {connection.vendor}")


def test_healthz_is_503_when_the_database_does_not_answer(client, server_database):
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        reply = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(original)
    assert reply.status_code == 503
    assert reply.json()["database"].startswith("down")


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_reports_a_missing_worker(client, settings, live_app, redis_url):
    settings.REDIS_URL = redis_url  # the broker answers, and no worker listens on it
    body = client.get("/healthz").json()
    assert body["broker"] == "ok"
    assert body["workers"].startswith("missing")


@pytest.mark.django_db
def test_healthz_needs_no_worker_without_a_broker(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json()["workers"].startswith("not needed")
