"""Shared fixtures. Under REQUIRE_SERVICES=1 (CI) a missing service fails the run, never skips."""

from __future__ import annotations

import os

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false", "False")


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''} {db.get('NAME')}",
        f"redis: {os.environ.get('REDIS_URL') or 'not set'}; REQUIRE_SERVICES={REQUIRE_SERVICES}",
    ]


def service_missing(reason: str) -> None:
    """Skip on a developer machine without the service; fail under REQUIRE_SERVICES."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(f"{reason} (set REQUIRE_SERVICES=1 to make this a failure)")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_missing("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        service_missing(f"this test needs PostgreSQL, the database is {connection.vendor}")
    return connection
