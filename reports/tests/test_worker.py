"""A real Celery worker process on the real Redis and PostgreSQL builds each report once.

A run delivered twice is built once; a run left `running` by a killed worker (stale heartbeat)
is re-queued, picked up by the worker and ends done, with exactly one file per run.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from reports import services, tasks
from reports.models import ReportRun, ReportStatus
from reports.tests.dataset import build_dataset

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _wait(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def live_app(redis_url, postgres):
    from kbnn_survey.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    app.control.purge()
    yield app
    app.control.purge()
    app.conf.update(task_always_eager=saved[0], broker_url=saved[1])


@pytest.fixture
def worker(live_app, redis_url, settings, tmp_path):
    """`celery worker` in its own process, on the test database, writing to a temporary media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kbnn_survey.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kbnn_survey", "worker", "--pool=solo",
         "-l", "info", "--without-gossip", "--without-mingle", "-n", f"reports-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield proc, settings.MEDIA_ROOT, tmp_path / "worker.log"
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_real_worker_builds_a_twice_delivered_run_once_and_repicks_a_dead_run(worker):
    proc, media, log = worker
    data = build_dataset(per_cell=1)
    twice = ReportRun.objects.create(campaign=data.campaign)
    tasks.compile_report.delay(twice.pk)
    tasks.compile_report.delay(twice.pk)
    long_ago = timezone.now() - services.STALE_AFTER - datetime.timedelta(minutes=1)
    dead = ReportRun.objects.create(
        campaign=data.campaign, status=ReportStatus.RUNNING, attempts=1, progress=30,
        started_at=long_ago, heartbeat_at=long_ago,
    )  # fmt: skip
    # What beat does every 5 minutes; it hands the dead run to the worker through Redis.
    tasks.requeue_stale_reports.delay()

    def finished():
        assert proc.poll() is None, log.read_text()
        return ReportRun.objects.filter(status=ReportStatus.DONE).count() == 2

    _wait(finished, "both runs to finish")
    # Let the second delivery of `twice` be consumed too before counting files.
    _wait(lambda: "succeeded" in log.read_text() and log.read_text().count("succeeded") >= 3,
          "every message to be processed")  # fmt: skip
    twice.refresh_from_db()
    dead.refresh_from_db()
    assert (twice.attempts, dead.attempts) == (1, 2)
    files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    assert files == sorted([twice.file.name, dead.file.name])
    assert twice.checksum and dead.checksum
