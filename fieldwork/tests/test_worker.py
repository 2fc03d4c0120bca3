"""A real Celery worker on the real Redis and PostgreSQL sends invitations: never one twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings

from conftest import wait_for
from fieldwork import tasks
from surveys.models import Invitation, SendStatus
from surveys.tests import factories

from .mailbackends import FlakyRecordingBackend, delivered

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def unsent() -> int:
    return Invitation.objects.filter(send_status=SendStatus.NOT_SENT).count()


@pytest.fixture
def invitations(campaign):
    unit = campaign.units.get(code="KSC")
    return [factories.make_invitation(campaign, unit) for _ in range(8)]


def test_real_worker_sends_each_invitation_once_when_queued_twice(live_app, invitations, tmp_path):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    def close_connections(**kwargs):
        connections.close_all()  # the worker's threads must not hold the test database open

    task_postrun.connect(close_connections, weak=False)
    log = tmp_path / "mail.log"
    FlakyRecordingBackend.failed_once = False
    try:
        with (
            override_settings(
                EMAIL_BACKEND="fieldwork.tests.mailbackends.FlakyRecordingBackend",
                TEST_MAIL_LOG=str(log),
                INVITATION_RETRY_SECONDS=1,
                INVITATION_EMAIL_BATCH=3,
            ),
            start_worker(
                live_app,
                pool="threads",
                concurrency=2,
                perform_ping_check=False,
                loglevel="WARNING",
                shutdown_timeout=30,
            ),
        ):
            # Two runs of the task at once, on two worker threads racing for the same rows;
            # the first message meets a temporary SMTP failure and is retried after a backoff.
            tasks.invitations_send.delay(invitations[0].campaign_id)
            tasks.invitations_send.delay(invitations[0].campaign_id)
            wait_for(
                lambda: Invitation.objects.filter(send_status=SendStatus.SENT).count() == 8,
                what="every invitation sent",
            )
            time.sleep(1.5)  # let a late duplicate show up, if there were one
    finally:
        task_postrun.disconnect(close_connections)
    sent = delivered(log)
    assert sorted(sent) == sorted(i.email for i in invitations)  # one e-mail each
    assert Invitation.objects.filter(send_attempts=2).count() == 1  # the retried one


def _worker(tmp_path: Path, log: Path, redis_url: str, delay: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fieldwork.tests.worker_settings",
        "DATABASE_URL": "postgres://{USER}:{PASSWORD}@{HOST}:{port}/{NAME}".format(
            port=db["PORT"] or 5432, **db
        ),
        "REDIS_URL": redis_url,
        "TEST_MAIL_LOG": str(log),
        "TEST_MAIL_DELAY": delay,
        "INVITATION_EMAIL_BATCH": "50",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kbnn_survey",
            "worker",
            "-P",
            "solo",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(tmp_path / "worker.out", "ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_worker_killed_mid_batch_then_run_again_sends_no_invitation_twice(
    live_app, invitations, tmp_path, redis_url
):
    campaign_id = invitations[0].campaign_id
    log = tmp_path / "mail.log"
    first = _worker(tmp_path, log, redis_url, delay="0.4")
    try:
        tasks.invitations_send.delay(campaign_id)
        wait_for(lambda: len(delivered(log)) >= 3, what="three e-mails from the first worker")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker dies without any clean-up
        first.wait(timeout=10)
    before = delivered(log)
    assert len(before) < 8, "the first worker finished before it was killed"

    # Run again: a fresh worker and the task queued again by the team.
    second = _worker(tmp_path, log, redis_url, delay="0")
    try:
        tasks.invitations_send.delay(campaign_id)
        wait_for(lambda: unsent() == 0, what="the second run to handle every invitation")
        time.sleep(1)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=20)
    sent = delivered(log)
    assert len(sent) == len(set(sent)), f"an invitation was e-mailed twice: {sent}"
    stuck = set(
        Invitation.objects.filter(send_status=SendStatus.SENDING).values_list("email", flat=True)
    )
    assert len(stuck) <= 1  # the one in the mail server's hands when the worker died
    for invitation in invitations:
        if invitation.email not in stuck:
            assert sent.count(invitation.email) == 1
    sent_rows = Invitation.objects.filter(send_status=SendStatus.SENT)
    assert set(sent_rows.values_list("email", flat=True)) == {i.email for i in invitations} - stuck
