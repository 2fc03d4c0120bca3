"""Fault run: Redis stopped in the middle of customers answering (our own throwaway
redis-server, never the shared one). Every acknowledged answer is stored once, none is stored
behind an error, replays add nothing, and the submit limit keeps counting meanwhile."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from django.test import Client
from django.urls import reverse

from surveys.models import Response
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post

REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    pytest.fail("the throwaway redis-server did not start")


@pytest.mark.services
@pytest.mark.django_db
def test_answers_across_a_redis_stop_are_stored_once(settings):
    if REDIS_SERVER is None:
        from conftest import service_missing

        service_missing("redis-server is not installed")
    port = _free_port()
    redis = _start_redis(port)
    settings.RATELIMIT_STORAGE_URI = f"redis://127.0.0.1:{port}/0"
    settings.SURVEY_SUBMIT_RATE = "100/h"
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    client = Client(raise_request_exception=False)
    sent: list[tuple[dict, int, float]] = []

    def answer():
        data = answers_post(campaign)
        started = time.monotonic()
        status = client.post(url, data).status_code
        sent.append((data, status, time.monotonic() - started))

    try:
        for _ in range(5):
            answer()
        redis.kill()  # Redis stops, without warning
        redis.wait(timeout=10)
        for _ in range(10):
            answer()
        redis = _start_redis(port)  # and comes back
        for _ in range(5):
            answer()
    finally:
        redis.kill()
        redis.wait(timeout=10)

    acknowledged = [data for data, status, _ in sent if status == 302]
    assert len(acknowledged) == 20, [status for _, status, _ in sent]
    assert Response.objects.count() == len(acknowledged)
    stored = set(Response.objects.values_list("idempotency_key", flat=True))
    assert {str(k) for k in stored} == {d["idempotency_key"] for d in acknowledged}
    # No customer waited on the dead Redis for long: one timeout at most, then memory.
    assert sorted(seconds for _, _, seconds in sent)[-2] < 1.0
    # Replays of every form add nothing.
    for data in acknowledged:
        assert client.post(url, data).status_code == 302
    assert Response.objects.count() == 20


@pytest.mark.services
@pytest.mark.django_db
def test_the_limit_holds_while_the_throwaway_redis_is_stopped(settings):
    if REDIS_SERVER is None:
        from conftest import service_missing

        service_missing("redis-server is not installed")
    port = _free_port()
    redis = _start_redis(port)
    redis.kill()
    redis.wait(timeout=10)
    settings.RATELIMIT_STORAGE_URI = f"redis://127.0.0.1:{port}/0"
    settings.SURVEY_SUBMIT_RATE = "3/h"
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    client = Client(raise_request_exception=False)
    codes = [client.post(url, answers_post(campaign)).status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert Response.objects.count() == 3
