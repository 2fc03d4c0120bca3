"""/healthz: the database's and the broker's state as JSON (200 when the database answers)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the reason is shown, not raised
        return f"down: {exc.__class__.__name__}"
    return "ok"


def broker_state() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run in-process)"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        return f"down: {exc.__class__.__name__}"
    return "ok"


def workers_state(broker: str) -> str:
    """Whether a Celery worker answers a ping: reports, e-mails and reminders need one."""
    if not settings.REDIS_URL:
        return "not needed (tasks run in-process)"
    if broker != "ok":
        return "unknown (broker down)"
    from kbnn_survey.celery import app

    try:
        replies = app.control.ping(timeout=0.5)
    except Exception as exc:
        return f"unknown: {exc.__class__.__name__}"
    return f"ok ({len(replies)})" if replies else "missing: no worker answers"


@require_GET
@never_cache
def healthz(request):
    db = database_state()
    broker = broker_state()
    # Still 200 without a worker: customers can answer; the body says what is missing.
    body = {
        "database": db,
        "broker": broker,
        "workers": workers_state(broker),
        "engine": connection.vendor,
    }
    return JsonResponse(body, status=200 if db == "ok" else 503)
