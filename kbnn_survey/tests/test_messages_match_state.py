"""A message never contradicts the page it stands on: reports, signals (keying:
fieldwork/tests/test_keying_page_state.py)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dashboard.selectors import signals_computed_since
from dashboard.stuffing import signals_refresh
from reports import services
from reports.models import ReportRun, ReportStatus
from reports.tests.dataset import build_dataset
from reports.views import _requested_message
from surveys.tests import factories


def _said(run) -> list[str]:
    request = RequestFactory().post("/reports/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    _requested_message(request, run)
    return [str(m) for m in get_messages(request)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_compiled_report_is_not_said_to_be_compiling(client, db, media):
    data = build_dataset(per_cell=1)
    run = ReportRun.objects.create(campaign=data.campaign, params={"variant": "official"})
    assert _said(run) == ["Đã gửi yêu cầu; báo cáo đang được lập."]
    services.report_run_execute(run_id=run.pk)
    assert _said(run) == ["Báo cáo đã lập xong; tải về ở bên dưới."]
    client.force_login(factories.leadership())
    page = client.get(reverse("reports:detail", args=[run.pk])).content.decode()
    assert "Hoàn thành" in page


def test_a_failed_report_gets_no_cheerful_message(db):
    run = ReportRun.objects.create(campaign=factories.make_campaign(), status=ReportStatus.FAILED)
    assert _said(run) == []


def test_signals_not_computed_never_read_as_no_signal(client, db):
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign([unit], slug="dot-tin-hieu")
    factories.make_response(campaign, unit)
    client.force_login(factories.survey_team())
    url = f"{reverse('dashboard:index')}?campaign={campaign.slug}"
    page = client.get(url).content.decode()
    assert "Chưa tính" in page and "Không có dấu hiệu bất thường." not in page
    before = timezone.now() - datetime.timedelta(seconds=1)
    signals_refresh(campaign=campaign)
    assert signals_computed_since(campaign=campaign, since=before)
    assert not signals_computed_since(
        campaign=campaign, since=timezone.now() + datetime.timedelta(seconds=1)
    )
    page = client.get(url).content.decode()
    assert "Không có dấu hiệu bất thường." in page and "Chưa tính" not in page
