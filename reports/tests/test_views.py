"""The /reports/ pages: who may request, watch, download and lock."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from reports import services
from reports.models import ReportRun, ReportStatus
from reports.tests.dataset import build_dataset
from surveys.models import CampaignStatus
from surveys.tests import factories


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def done_run(db, media):
    data = build_dataset(per_cell=1)
    run = ReportRun.objects.create(campaign=data.campaign, params={"variant": "official"})
    services.report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE
    return run


def test_leadership_requests_watches_and_downloads(
    client, db, media, django_capture_on_commit_callbacks
):
    data = build_dataset(per_cell=1)
    client.force_login(factories.leadership())
    assert client.get(reverse("reports:list")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:list"), {"campaign": data.campaign.pk})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:detail", args=[run.pk])
    page = client.get(response.url)
    assert run.checksum in page.content.decode()
    progress = client.get(reverse("reports:progress", args=[run.pk])).json()
    assert progress["status"] == "done" and progress["progress"] == 100 and progress["finished"]
    download = client.get(progress["download_url"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith(b"PK")
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" + quote("Báo cáo khảo sát sự hài lòng") in disposition


def test_progress_json_of_a_running_run(client, db):
    run = ReportRun.objects.create(
        campaign=factories.make_campaign(), status=ReportStatus.RUNNING, progress=42,
        progress_note="Dữ liệu",
    )  # fmt: skip
    client.force_login(factories.survey_team())
    data = client.get(reverse("reports:progress", args=[run.pk])).json()
    assert data == {
        "status": "running",
        "status_label": data["status_label"],
        "progress": 42,
        "note": "Dữ liệu",
        "error": "",
        "finished": False,
        "download_url": None,
        "checksum": "",
    }
    page = client.get(reverse("reports:detail", args=[run.pk])).content.decode()
    assert "reports/report_progress.js" in page and 'aria-valuenow="42"' in page


def test_unit_manager_and_anonymous_are_refused(client, done_run):
    urls = [
        reverse("reports:detail", args=[done_run.pk]),
        reverse("reports:progress", args=[done_run.pk]),
        reverse("reports:download", args=[done_run.pk]),
    ]
    for url in [reverse("reports:list"), *urls]:
        assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(factories.make_user("nobody"))  # staff without a role or a unit
    assert client.get(reverse("reports:list")).status_code == 403
    client.force_login(factories.unit_manager(factories.make_unit()))
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("reports:lock", args=[done_run.pk])).status_code == 403
    assert ReportRun.objects.count() == 1 and not ReportRun.objects.get().is_locked


def test_bad_campaign_is_refused_with_a_message_and_nothing_created(client, db):
    draft = factories.make_campaign(status=CampaignStatus.DRAFT)
    client.force_login(factories.leadership())
    for value in ("", "abc", str(draft.pk), "999999"):
        response = client.post(reverse("reports:list"), {"campaign": value})
        assert response.status_code == 400
        assert "invalid-feedback" in response.content.decode()
    assert ReportRun.objects.count() == 0


def test_lock_records_who_and_when(client, done_run):
    boss = factories.leadership()
    client.force_login(boss)
    response = client.post(reverse("reports:lock", args=[done_run.pk]))
    assert response.status_code == 302
    done_run.refresh_from_db()
    assert done_run.locked_by == boss and done_run.locked_at is not None
    page = client.get(reverse("reports:detail", args=[done_run.pk])).content.decode()
    assert done_run.checksum in page
    again = client.post(reverse("reports:lock", args=[done_run.pk]), follow=True)
    assert again.status_code == 200 and "alert-danger" in again.content.decode()


def test_download_of_an_unfinished_run_is_404(client, db):
    run = ReportRun.objects.create(campaign=factories.make_campaign())
    client.force_login(factories.leadership())
    assert client.get(reverse("reports:download", args=[run.pk])).status_code == 404
    assert client.post(reverse("reports:lock", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert not run.is_locked
