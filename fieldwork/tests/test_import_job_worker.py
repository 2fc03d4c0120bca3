"""A real worker (Redis, PostgreSQL) killed with SIGKILL in the middle of a large import: the
import is one transaction, so nothing of it was saved; the job is retried and another worker
imports every form once."""

from __future__ import annotations

import datetime
import os
import signal
import time

import pytest
from django.utils import timezone

from conftest import wait_for
from fieldwork.models import ImportJob, ImportJobKind, ImportJobStatus, ImportLog
from fieldwork.services import import_jobs
from surveys.models import Response

from .test_import_jobs import forms_sheet

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROWS = 1500


def test_a_worker_killed_mid_import_saved_nothing_and_the_retried_job_imports_once(
    start_worker, campaign, settings
):
    settings.IMPORT_ASYNC_ROWS = 1000  # a smaller file than the default's, for a quicker test
    slow, log = start_worker("fieldwork.tests.slow_import_worker_settings")
    job = import_jobs.import_job_start_if_large(
        kind=ImportJobKind.RESPONSES, data=forms_sheet(ROWS), filename="lon.xlsx",
        campaign=campaign,
    )  # fmt: skip
    assert job is not None  # above the threshold: queued

    def halfway():
        assert slow.poll() is None, log.read_text()
        job.refresh_from_db()
        return job.status == ImportJobStatus.RUNNING and job.progress >= 50

    wait_for(halfway, timeout=90, what="the worker to be halfway through the forms")
    os.kill(slow.pid, signal.SIGKILL)
    slow.wait(timeout=20)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.RUNNING and job.progress < 100
    assert not Response.objects.exists() and not ImportLog.objects.exists()  # nothing half-saved
    # Its heartbeat stops; once it is stale the page's "Thử lại" sends the job again.
    assert import_jobs.import_job_retry(job=job) is False  # not yet: it may still be alive
    later = timezone.now() + import_jobs.DEAD_AFTER + datetime.timedelta(seconds=1)
    assert import_jobs.import_job_retry(job=job, now=later) is True
    started = time.monotonic()
    proc, log = start_worker()

    def done():
        assert proc.poll() is None, log.read_text()
        job.refresh_from_db()
        return job.finished

    wait_for(done, timeout=120, what="the retried job to finish")
    print(
        f"{ROWS} forms imported by the second worker {time.monotonic() - started:.1f} s after start"
    )
    assert job.status == ImportJobStatus.DONE, (job.message, job.errors[:3])
    assert job.attempts == 2
    assert Response.objects.filter(campaign=campaign, channel="paper").count() == ROWS
    assert ImportLog.objects.get().created == ROWS
    assert not ImportJob.objects.get(pk=job.pk).file
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []
