"""The report page in a real headless Chromium: the bar follows the run, then the download shows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from reports import services
from reports.models import ReportRun, ReportStatus
from reports.tests.dataset import build_dataset
from surveys.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_bar_follows_the_run_and_the_download_appears(
    browser,
    live_server,
    settings,
    tmp_path,
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    settings.MEDIA_ROOT = tmp_path  # the live server runs in this process (restored after)
    data = build_dataset(per_cell=1)
    # Direct permission, not the role group: a transactional test's flush may have removed it.
    boss = factories.make_user("lanhdao-browser", is_staff=True, unit=factories.test_root())
    boss.user_permissions.add(
        Permission.objects.get(content_type__app_label="reports", codename="request_report")
    )
    run = ReportRun.objects.create(campaign=data.campaign, status=ReportStatus.RUNNING, progress=5)
    client = Client()
    client.force_login(boss)
    browser.get(live_server.url + reverse("healthz"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie, "path": "/"})
    browser.get(live_server.url + reverse("reports:detail", args=[run.pk]))
    bar = browser.find_element(By.CSS_SELECTOR, "#report-progress .progress-bar")
    assert bar.text == "5%"

    ReportRun.objects.filter(pk=run.pk).update(progress=60, progress_note="Dữ liệu")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#report-progress .progress-bar").text == "60%"
    )
    assert browser.find_element(By.ID, "report-note").text == "Dữ liệu"

    ReportRun.objects.filter(pk=run.pk).update(status=ReportStatus.PENDING)
    assert services.report_run_execute(run_id=run.pk)
    download = reverse("reports:download", args=[run.pk])
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f'a[href="{download}"]')
    )
    run.refresh_from_db()
    assert run.checksum in browser.page_source
