"""Large uploads go to a worker (an ImportJob) with a progress page; small ones stay in the
request. All rows or none, the same messages, the first 200 problems and the count of the rest;
the same file sent again while its job is active finds that job; a job whose worker died saved
nothing and can be retried."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import ImportJob, ImportJobKind, ImportJobStatus, ImportLog
from fieldwork.services import import_jobs
from organisation.tests.sheets import REGION_ROWS, unit_sheet
from surveys.models import Response, Unit
from surveys.tests import factories

from .conftest import today_text, xlsx

CODES = [f"C{i}" for i in range(1, 11)] + ["CHUNG"]
HEADER = ["Mã đơn vị", "Nhóm khách hàng", "Ngày", *CODES, "Ý kiến", "Số lô"]


def forms_sheet(count: int, *, bad: int = 0) -> bytes:
    rows = [["KSC", "payer", today_text(), *[4] * 11, "", "L1"] for _ in range(count)]
    for row in rows[:bad]:
        row[0] = "KHONG-CO"  # one problem per row: an unknown unit
    return xlsx([HEADER, *rows])


def _file(data: bytes, name: str = "phieu.xlsx") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_ASYNC_ROWS = 5
    return 5


def _stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_a_large_sheet_is_imported_by_a_job_whose_page_shows_progress_then_the_result(
    team_client, campaign, media, small_threshold, django_capture_on_commit_callbacks
):
    url = reverse("fieldwork:responses_upload")
    with django_capture_on_commit_callbacks(execute=True):
        sent = team_client.post(url, {"campaign": campaign.pk, "file": _file(forms_sheet(12))})
    job = ImportJob.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse(
        "fieldwork:import_job", args=[job.pk]
    )
    # Eager here: the worker ran once the upload committed.
    assert job.status == ImportJobStatus.DONE and job.attempts == 1 and job.progress == 100
    assert Response.objects.filter(campaign=campaign, channel="paper").count() == 12
    assert ImportLog.objects.get().created == 12
    page = team_client.get(sent["Location"])
    assert page.status_code == 200
    assert "Đã nhập 12 phiếu từ phieu.xlsx" in page.content.decode()
    assert "js/progress_poll.js" not in page.content.decode()  # finished: nothing to poll
    status = team_client.get(reverse("fieldwork:import_job_status", args=[job.pk])).json()
    assert status["finished"] is True and status["status"] == "done"
    assert _stored_files(media) == []  # the stored upload is deleted once imported


@pytest.mark.django_db
def test_a_small_sheet_stays_in_the_request(team_client, campaign, media, small_threshold):
    url = reverse("fieldwork:responses_upload")
    sent = team_client.post(url, {"campaign": campaign.pk, "file": _file(forms_sheet(5))})
    assert sent.status_code == 302 and sent["Location"] == url
    assert not ImportJob.objects.exists()
    assert Response.objects.count() == 5


@pytest.mark.django_db
def test_a_large_bad_sheet_imports_nothing_and_lists_200_problems_and_the_count_of_the_rest(
    team_client, campaign, media, small_threshold, django_capture_on_commit_callbacks
):
    url = reverse("fieldwork:responses_upload")
    with django_capture_on_commit_callbacks(execute=True):
        sent = team_client.post(
            url, {"campaign": campaign.pk, "file": _file(forms_sheet(260, bad=250))}
        )
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.REFUSED
    assert len(job.errors) == 200 and job.more_errors == 50
    assert not Response.objects.exists() and not ImportLog.objects.exists()
    body = team_client.get(sent["Location"]).content.decode()
    assert "Không nhập phiếu nào: có 250 lỗi cần sửa" in body
    assert body.count("KHONG-CO") == 200
    assert "50" in body


@pytest.mark.django_db
def test_the_same_file_sent_again_while_its_job_waits_finds_that_job_then_is_refused_once_done(
    team, campaign, media, small_threshold, django_capture_on_commit_callbacks
):
    data = forms_sheet(8)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = import_jobs.import_job_start_if_large(
            kind=ImportJobKind.RESPONSES, data=data, filename="a.xlsx", user=team, campaign=campaign
        )
        again = import_jobs.import_job_start_if_large(
            kind=ImportJobKind.RESPONSES, data=data, filename="a.xlsx", user=team, campaign=campaign
        )
    assert first.pk == again.pk and len(queued) == 1
    assert ImportJob.objects.count() == 1
    # Two deliveries of the message: the claim lets one import.
    assert import_jobs.import_job_execute(job_id=first.pk) is True
    assert import_jobs.import_job_execute(job_id=first.pk) is False
    assert Response.objects.count() == 8
    # Once imported, the same file is a new job, refused with the request's message.
    with django_capture_on_commit_callbacks(execute=True):
        later = import_jobs.import_job_start(
            kind=ImportJobKind.RESPONSES, data=data, filename="a.xlsx", user=team,
            campaign=campaign,
        )  # fmt: skip
    later.refresh_from_db()
    assert later.pk != first.pk and later.status == ImportJobStatus.REFUSED
    assert "đã được nhập" in later.errors[0][2]
    assert Response.objects.count() == 8


@pytest.mark.django_db
def test_a_job_whose_worker_died_saved_nothing_and_is_retried_from_its_page(
    team_client, team, campaign, media, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_jobs.import_job_start_if_large(
            kind=ImportJobKind.RESPONSES, data=forms_sheet(9), filename="b.xlsx", user=team,
            campaign=campaign,
        )  # fmt: skip
    # What a worker killed in the middle leaves: running, attempt 1, heartbeat stopped; the
    # import was one transaction, so nothing of it is in the database.
    stopped = timezone.now() - import_jobs.DEAD_AFTER - datetime.timedelta(seconds=1)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.RUNNING, attempts=1, progress=60, heartbeat_at=stopped
    )
    assert not Response.objects.exists()
    page = team_client.get(reverse("fieldwork:import_job", args=[job.pk])).content.decode()
    assert "Thử lại" in page and "js/progress_poll.js" in page
    with django_capture_on_commit_callbacks(execute=True):
        retried = team_client.post(reverse("fieldwork:import_job_retry", args=[job.pk]))
    assert retried.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.attempts == 2
    assert Response.objects.count() == 9
    # A job that is alive is not retried.
    fresh = import_jobs.import_job_start(
        kind=ImportJobKind.RESPONSES, data=forms_sheet(7), filename="c.xlsx", campaign=campaign
    )
    ImportJob.objects.filter(pk=fresh.pk).update(
        status=ImportJobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    assert import_jobs.import_job_retry(job=fresh) is False


@pytest.mark.django_db
def test_only_who_may_upload_its_kind_sees_a_job(client, campaign, media, small_threshold):
    job = import_jobs.import_job_start(
        kind=ImportJobKind.RESPONSES, data=forms_sheet(6), filename="d.xlsx", campaign=campaign
    )
    client.force_login(factories.leadership())
    assert client.get(reverse("fieldwork:import_job", args=[job.pk])).status_code == 403
    assert client.get(reverse("fieldwork:import_job_status", args=[job.pk])).status_code == 403


@pytest.mark.django_db
def test_a_large_unit_sheet_is_imported_by_a_job(
    client, media, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_ROWS = 3
    # A superuser: the sheet makes a new root, which only an administrator may (surveys.scope).
    client.force_login(factories.make_user("admin-j", is_staff=True, is_superuser=True))
    data = unit_sheet(REGION_ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("organisation:units_upload"), {"file": _file(data, "don-vi.xlsx")}
        )
    job = ImportJob.objects.get()
    assert sent["Location"] == reverse("fieldwork:import_job", args=[job.pk])
    assert job.kind == ImportJobKind.UNITS and job.status == ImportJobStatus.DONE, job.errors
    assert Unit.objects.count() == 7
    page = client.get(sent["Location"]).content.decode()
    assert "Đã tạo 7 đơn vị" in page and reverse("organisation:units_upload") in page


@pytest.mark.django_db
def test_a_hostile_large_file_is_refused_by_the_guard_before_any_job(
    team_client, campaign, media, small_threshold
):
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "x"
    out = io.BytesIO()
    book.save(out)
    # Declares A1:XFD1048576: refused from its first bytes, no file stored, no job.
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'ref="A1"', b'ref="A1:XFD1048576"')
            dst.writestr(info, content)
    url = reverse("fieldwork:responses_upload")
    page = team_client.post(url, {"campaign": campaign.pk, "file": _file(bomb.getvalue())})
    assert page.status_code == 400
    assert not ImportJob.objects.exists() and _stored_files(media) == []


@pytest.mark.django_db
def test_the_command_says_how_far_it_got(tmp_path, campaign):
    from django.core.management import call_command

    path = tmp_path / "lon.xlsx"
    path.write_bytes(forms_sheet(60))
    stderr = io.StringIO()
    call_command("import_responses", str(path), "--campaign", campaign.slug, stderr=stderr)
    lines = stderr.getvalue().splitlines()
    assert lines[0] == "5% Đang kiểm tra các dòng"
    assert "40% Đang ghi các phiếu" in lines and len(lines) >= 5
    assert Response.objects.count() == 60
