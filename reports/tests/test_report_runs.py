"""ReportRun life cycle: request, claim once, one file, failure in plain words, re-queue."""

from __future__ import annotations

import datetime
import hashlib
import os

import pytest
from django.utils import timezone

from reports import services, tasks
from reports.models import ReportRun, ReportStatus
from reports.tests.dataset import build_dataset
from surveys.models import CampaignStatus
from surveys.tests import factories


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_request_enqueues_after_commit_and_builds_one_file(
    media, django_capture_on_commit_callbacks
):
    data = build_dataset(per_cell=1)
    boss = factories.leadership()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.report_request(campaign=data.campaign, user=boss)
        assert ReportRun.objects.get(pk=run.pk).status == ReportStatus.PENDING
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE and run.progress == 100 and run.attempts == 1
    assert run.checksum == hashlib.sha256(run.file.read()).hexdigest()
    assert _files(media) == [run.file.name]


@pytest.mark.django_db
def test_a_second_delivery_does_nothing(media):
    data = build_dataset(per_cell=1)
    run = ReportRun.objects.create(campaign=data.campaign)
    assert tasks.compile_report(run.pk) is True
    assert tasks.compile_report(run.pk) is False  # redelivered message: already done
    run.refresh_from_db()
    assert run.attempts == 1 and len(_files(media)) == 1


@pytest.mark.django_db
def test_claim_is_conditional():
    run = ReportRun.objects.create(campaign=factories.make_campaign())
    assert services.report_claim(run_id=run.pk) == 1
    assert services.report_claim(run_id=run.pk) is None


@pytest.mark.django_db
def test_a_superseded_attempt_leaves_no_file(media, monkeypatch):
    data = build_dataset(per_cell=1)
    run = ReportRun.objects.create(campaign=data.campaign)
    real_write = services.workbook_write

    def write_then_lose_the_run(**kwargs):
        real_write(**kwargs)
        # Meanwhile the run was presumed dead and claimed by another worker (attempt 2).
        ReportRun.objects.filter(pk=run.pk).update(attempts=2)

    monkeypatch.setattr(services, "workbook_write", write_then_lose_the_run)
    assert services.report_run_execute(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == ReportStatus.RUNNING and not run.file and _files(media) == []


@pytest.mark.django_db
def test_failure_is_saved_in_plain_words(media, monkeypatch):
    data = build_dataset(per_cell=1)
    run = ReportRun.objects.create(campaign=data.campaign)

    def disk_full(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "workbook_write", disk_full)
    assert services.report_run_execute(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED and "No space left on device" in run.error
    assert "Traceback" not in run.error and _files(media) == []


@pytest.mark.django_db
def test_dead_runs_are_requeued_and_finish_with_one_file(media, django_capture_on_commit_callbacks):
    data = build_dataset(per_cell=1)
    long_ago = timezone.now() - services.STALE_AFTER - datetime.timedelta(minutes=1)
    dead = ReportRun.objects.create(
        campaign=data.campaign, status=ReportStatus.RUNNING, attempts=1, progress=40,
        started_at=long_ago, heartbeat_at=long_ago,
    )  # fmt: skip
    alive = ReportRun.objects.create(
        campaign=data.campaign, status=ReportStatus.RUNNING, attempts=1,
        heartbeat_at=timezone.now(),
    )  # fmt: skip
    exhausted = ReportRun.objects.create(
        campaign=data.campaign, status=ReportStatus.RUNNING, attempts=services.MAX_ATTEMPTS,
        heartbeat_at=long_ago,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        result = services.report_requeue_stale()
    assert result.requeued == [dead.pk] and result.failed == [exhausted.pk]
    dead.refresh_from_db()
    assert dead.status == ReportStatus.DONE and dead.attempts == 2
    assert _files(media) == [dead.file.name]
    alive.refresh_from_db()
    assert alive.status == ReportStatus.RUNNING
    exhausted.refresh_from_db()
    assert exhausted.status == ReportStatus.FAILED and exhausted.error


@pytest.mark.django_db
def test_lock_only_done_runs_once_and_locked_runs_are_never_deleted(media):
    data = build_dataset(per_cell=1)
    boss = factories.leadership()
    run = ReportRun.objects.create(campaign=data.campaign, params={"variant": "official"})
    with pytest.raises(services.ReportError):
        services.report_lock(run=run, user=boss)
    services.report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    internal = ReportRun.objects.create(campaign=data.campaign)
    services.report_run_execute(run_id=internal.pk)
    internal.refresh_from_db()
    with pytest.raises(services.ReportError, match="chính thức"):
        services.report_lock(run=internal, user=boss)  # only what is sent is locked
    assert not internal.is_locked
    services.report_lock(run=run, user=boss)
    assert run.locked_by == boss and run.locked_at is not None
    with pytest.raises(services.ReportError):
        services.report_lock(run=run, user=boss)
    with pytest.raises(services.ReportError):
        services.report_delete(run=run)
    assert ReportRun.objects.filter(pk=run.pk).exists() and os.path.exists(run.file.path)
    # A locked run is never claimed again, hence never rebuilt.
    assert services.report_claim(run_id=run.pk) is None


@pytest.mark.django_db
def test_nightly_schedule_compiles_open_campaigns_and_closed_ones_once(
    django_capture_on_commit_callbacks,
):
    unit = factories.make_unit()
    open_campaign = factories.make_campaign([unit])
    closed = factories.make_campaign([unit], status=CampaignStatus.CLOSED)
    factories.make_campaign([unit], status=CampaignStatus.DRAFT)
    # A year run pending has no campaign: its NULL must not hide every campaign (NOT IN).
    ReportRun.objects.create(year=closed.year, params={"reason": "closed"})
    with django_capture_on_commit_callbacks(execute=False):
        first = services.reports_schedule()
        assert {(r.campaign_id, r.params["reason"]) for r in first} == {
            (open_campaign.pk, "nightly"),
            (closed.pk, "closed"),
        }
        # Next night: the open one is still pending (no duplicate); the closed one is done.
        assert services.reports_schedule() == []


@pytest.mark.django_db
def test_beat_entries_exist():
    from django_celery_beat.models import PeriodicTask

    tasks_ = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "reports.tasks.compile_scheduled_reports",
        "reports.tasks.requeue_stale_reports",
    } <= tasks_


@pytest.mark.django_db
def test_request_succeeds_with_the_broker_down(monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.compile_report, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_request(campaign=factories.make_campaign())
    run.refresh_from_db()
    assert run.status == ReportStatus.PENDING  # picked up by report_requeue_stale later


@pytest.mark.django_db
def test_a_pdf_without_libreoffice_fails_in_plain_words_and_keeps_nothing(media, monkeypatch):
    from reports.document import pdf

    data = build_dataset(per_cell=1)
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    run = services.report_request(campaign=data.campaign, fmt="pdf")
    assert services.report_run_execute(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED and "LibreOffice" in run.error
    assert "libreoffice-writer-nogui" in run.error and _files(media) == []


@pytest.mark.django_db
def test_written_report_run_stores_a_docx_named_for_the_campaign(media):
    data = build_dataset(per_cell=1)
    run = services.report_request(campaign=data.campaign, fmt="docx")
    assert services.report_run_execute(run_id=run.pk) is True
    run.refresh_from_db()
    assert run.file.name.endswith(".docx") and run.checksum
    assert services.download_name(run).startswith("Báo cáo kết quả khảo sát - Đợt I năm 2026")
    assert services.download_name(run).endswith(f"số {run.pk}.docx")
    with pytest.raises(services.ReportError):
        services.report_request(campaign=data.campaign, fmt="odt")


@pytest.mark.django_db
def test_a_heartbeat_older_than_dead_after_is_requeued_a_fresh_one_is_not(media):
    data = build_dataset(per_cell=1)
    now = timezone.now()
    dead = ReportRun.objects.create(
        campaign=data.campaign, status=ReportStatus.RUNNING, attempts=1,
        heartbeat_at=now - services.DEAD_AFTER - datetime.timedelta(seconds=1),
    )  # fmt: skip
    beating = ReportRun.objects.create(
        campaign=data.campaign, status=ReportStatus.RUNNING, attempts=1,
        heartbeat_at=now - services.DEAD_AFTER + datetime.timedelta(seconds=5),
    )  # fmt: skip
    assert services.report_requeue_dead(now=now).requeued == [dead.pk]
    assert services.report_requeue_dead(now=now).requeued == []  # only once
    beating.refresh_from_db()
    assert beating.status == ReportStatus.RUNNING


@pytest.mark.django_db
def test_the_sweep_removes_work_left_by_dead_attempts_and_keeps_live_ones(media):
    data = build_dataset(per_cell=1)
    done = ReportRun.objects.create(campaign=data.campaign, status=ReportStatus.DONE)
    live = ReportRun.objects.create(
        campaign=data.campaign, status=ReportStatus.RUNNING, attempts=1,
        heartbeat_at=timezone.now(),
    )  # fmt: skip
    for run in (done, live):
        folder = services.work_root() / f"report-{run.pk}-abc"
        folder.mkdir(parents=True)
        (folder / "report.xlsx").write_bytes(b"half")
    assert services.report_workdirs_sweep() == [done.pk]
    assert _files(media) == [f".work/report-{live.pk}-abc/report.xlsx"]
    # The live run's own next attempt (after a re-queue) clears what it left before starting.
    ReportRun.objects.filter(pk=live.pk).update(status=ReportStatus.PENDING)
    assert services.report_run_execute(run_id=live.pk) is True
    live.refresh_from_db()
    assert _files(media) == [live.file.name]
