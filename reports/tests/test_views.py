"""The /reports/ pages: who may request, watch, download and lock."""

from __future__ import annotations

import io
from urllib.parse import quote

import openpyxl
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
    assert "js/progress_poll.js" in page and 'aria-valuenow="42"' in page


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
    for url in urls:  # a run outside the manager's subtree: 404, the id reveals nothing
        assert client.get(url).status_code == 404
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


def test_report_page_offers_both_workbooks_and_the_written_report(
    client, db, media, django_capture_on_commit_callbacks
):
    data = build_dataset(per_cell=1)
    client.force_login(factories.leadership())
    page = client.get(reverse("reports:list")).content.decode()
    for kind in ("xlsx-official", "xlsx-internal", "docx", "pdf"):
        assert f'value="{kind}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:list"), {"campaign": data.campaign.pk, "kind": "docx"})
        client.post(
            reverse("reports:list"), {"campaign": data.campaign.pk, "kind": "xlsx-official"}
        )
    written, official = ReportRun.objects.order_by("pk")
    assert (written.params["format"], official.params["variant"]) == ("docx", "official")
    download = client.get(reverse("reports:download", args=[written.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].endswith(".docx")
    assert "wordprocessingml" in download["Content-Type"]
    assert b"".join(download.streaming_content).startswith(b"PK")
    detail = client.get(reverse("reports:detail", args=[written.pk])).content.decode()
    assert "Word" in detail and reverse("reports:lock", args=[written.pk]) in detail
    response = client.post(reverse("reports:list"), {"campaign": data.campaign.pk, "kind": "zip"})
    assert response.status_code == 400 and ReportRun.objects.count() == 2


def test_a_unit_manager_compiles_and_downloads_their_units_report_only(
    client, db, media, django_capture_on_commit_callbacks
):
    data = build_dataset(per_cell=1)
    unit = data.units[0]
    others = ReportRun.objects.create(campaign=data.campaign, params={"unit_id": data.new_unit.pk})
    whole = ReportRun.objects.create(campaign=data.campaign)
    client.force_login(factories.unit_manager(unit))
    page = client.get(reverse("reports:list"))
    assert page.status_code == 200 and unit.name in page.content.decode()
    assert 'value="xlsx-internal"' not in page.content.decode()  # no raw data for a unit
    refused = client.post(
        reverse("reports:list"), {"campaign": data.campaign.pk, "kind": "xlsx-internal"}
    )
    assert refused.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(
            reverse("reports:list"), {"campaign": data.campaign.pk, "kind": "xlsx-official"}
        )
    mine = ReportRun.objects.get(params__unit_id=unit.pk)
    assert reply.status_code == 302 and mine.status == ReportStatus.DONE
    assert (
        reverse("reports:detail", args=[mine.pk])
        in client.get(reverse("reports:list")).content.decode()
    )
    download = client.get(reverse("reports:download", args=[mine.pk]))
    assert download.status_code == 200
    assert quote(unit.name) in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    wb = openpyxl.load_workbook(io.BytesIO(body))
    codes = [r[0] for r in wb["Theo đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert codes == [unit.code]
    for run in (others, whole):
        for name in ("detail", "progress", "download"):
            assert client.get(reverse(f"reports:{name}", args=[run.pk])).status_code == 404
    assert client.post(reverse("reports:lock", args=[mine.pk])).status_code == 403


def test_leadership_requests_the_years_report_from_the_page(
    client, db, media, django_capture_on_commit_callbacks
):
    from reports.tests.years import build_years

    years = build_years(per_unit=1)
    client.force_login(factories.leadership(unit=years.root))
    page = client.get(reverse("reports:list")).content.decode()
    assert f'value="2025-{years.root.pk}"' in page and "Năm 2025 – KBNN khu vực XIII" in page
    bad = client.post(reverse("reports:list"), {"year": "1999-1", "kind": "xlsx-official"})
    assert bad.status_code == 400 and "Vui lòng chọn một năm" in bad.content.decode()
    assert client.post(reverse("reports:list"), {"kind": "docx"}).status_code == 400
    assert not ReportRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:list"), {"year": f"2025-{years.root.pk}", "kind": "xlsx-official"}
        )
    run = ReportRun.objects.get()
    assert (run.campaign, run.year, run.root) == (None, 2025, years.root)
    assert run.status == ReportStatus.DONE, run.error
    assert "Năm 2025" in client.get(response.url).content.decode()
    download = client.get(reverse("reports:download", args=[run.pk]))
    assert quote("Năm 2025") in download["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    codes = [r[0] for r in wb["Theo đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert "M" in codes and "P1" not in codes
