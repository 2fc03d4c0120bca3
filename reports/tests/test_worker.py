"""A real Celery worker process on the real Redis and PostgreSQL builds each report once.

A run delivered twice is built once; a run left `running` by a killed worker (stale heartbeat)
is re-queued, picked up by the worker and ends done, with exactly one file per run.
"""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from conftest import wait_for
from reports import services, tasks
from reports.models import ReportRun, ReportStatus
from reports.tests.dataset import build_dataset

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _files(media) -> list[str]:
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def test_real_worker_builds_a_twice_delivered_run_once_and_repicks_a_dead_run(
    start_worker, settings
):
    proc, log = start_worker()
    media = settings.MEDIA_ROOT
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

    wait_for(finished, timeout=90, what="both runs to finish")
    # Let the second delivery of `twice` be consumed too before counting files.
    wait_for(
        lambda: log.read_text().count("succeeded") >= 3,
        timeout=90,
        what="every message to be processed",
    )
    twice.refresh_from_db()
    dead.refresh_from_db()
    assert (twice.attempts, dead.attempts) == (1, 2)
    assert _files(media) == sorted([twice.file.name, dead.file.name])
    assert twice.checksum and dead.checksum


def test_a_run_whose_worker_was_killed_finishes_after_a_restart_with_one_file(
    start_worker, settings
):
    data = build_dataset(per_cell=1)
    slow, log = start_worker("reports.tests.slow_worker_settings")
    run = ReportRun.objects.create(campaign=data.campaign)
    tasks.compile_report.delay(run.pk)

    def in_slow_sheet():
        assert slow.poll() is None, log.read_text()
        return ReportRun.objects.filter(pk=run.pk, progress_note="Chậm").exists()

    wait_for(in_slow_sheet, timeout=90, what="the worker to be in the middle of the run")
    slow.kill()  # SIGKILL: no clean-up, the run stays `running`
    slow.wait(timeout=20)
    run.refresh_from_db()
    assert run.status == ReportStatus.RUNNING and not run.file
    # Beat's re-queue, as it runs once the heartbeat is older than STALE_AFTER.
    later = timezone.now() + services.STALE_AFTER + datetime.timedelta(seconds=30)
    assert services.report_requeue_stale(now=later).requeued == [run.pk]
    proc, log = start_worker()
    wait_for(
        lambda: ReportRun.objects.filter(pk=run.pk, status=ReportStatus.DONE).exists(),
        timeout=90,
        what="the restarted worker to finish the run",
    )
    run.refresh_from_db()
    assert run.attempts == 2 and run.checksum
    assert _files(settings.MEDIA_ROOT) == [run.file.name]


def test_a_killed_workers_run_resumes_within_two_minutes_without_beat(start_worker, settings):
    """kill -9 in the middle of a run; the next worker's watchdog re-queues it (no beat, nobody
    calls the re-queue): done within 2 minutes, its checksum that of its file, no work file left."""
    import hashlib
    import signal
    import time

    data = build_dataset(per_cell=1)
    slow, log = start_worker("reports.tests.slow_worker_settings")
    run = ReportRun.objects.create(campaign=data.campaign)
    tasks.compile_report.delay(run.pk)

    def in_slow_sheet():
        assert slow.poll() is None, log.read_text()
        return ReportRun.objects.filter(pk=run.pk, progress_note="Chậm").exists()

    wait_for(in_slow_sheet, timeout=90, what="the worker to be in the middle of the run")
    os.kill(slow.pid, signal.SIGKILL)
    slow.wait(timeout=20)
    killed_at = time.monotonic()
    media = settings.MEDIA_ROOT
    assert _files(media), "the killed attempt left its work file (what the next one removes)"
    proc, log = start_worker()

    def done():
        assert proc.poll() is None, log.read_text()
        return ReportRun.objects.filter(pk=run.pk, status=ReportStatus.DONE).exists()

    wait_for(done, timeout=120, what="the run to resume and finish")
    took = time.monotonic() - killed_at
    assert took < 120, took
    run.refresh_from_db()
    assert run.attempts == 2
    assert run.checksum == hashlib.sha256((media / run.file.name).read_bytes()).hexdigest()
    assert _files(media) == [run.file.name]
    print(f"resumed and finished {took:.1f} s after the kill")
