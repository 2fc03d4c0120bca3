"""Races that only a real PostgreSQL shows: twin submissions and concurrent refusal counts."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from surveys.models import RefusalCount, RefusalReason, Response
from surveys.services import refusal_record, response_submit
from surveys.tests import factories


def _in_threads(target, count: int) -> list:
    results: list = []
    barrier = threading.Barrier(count)

    def run():
        barrier.wait()
        try:
            results.append(target())
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_twin_submissions_with_one_key_store_one_response(postgres):
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    group = factories.group()
    key = uuid.uuid4()

    def submit():
        return response_submit(
            campaign=campaign,
            unit=unit,
            respondent_group=group,
            channel="web",
            answers=factories.all_answers(campaign, 5),
            idempotency_key=key,
        )

    results = _in_threads(submit, 6)
    assert len(results) == 6
    assert Response.objects.count() == 1
    assert {r.response.pk for r in results} == {Response.objects.get().pk}
    assert sum(r.created for r in results) == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_refusals_are_all_counted(postgres):
    campaign = factories.make_campaign([])
    _in_threads(lambda: refusal_record(campaign=campaign, reason=RefusalReason.HONEYPOT), 8)
    assert RefusalCount.objects.get(campaign=campaign, reason="honeypot").count == 8
