"""The dashboard in a real headless Chromium: Chart.js (served from static/) draws every chart."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from surveys.models import Channel
from surveys.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_chart_is_drawn_beside_its_table(browser, live_server, settings):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = factories.make_unit("BA", name="Phòng Kiểm soát chi")
    b = factories.make_unit("BB", name="KBNN Hải Châu")
    campaign = factories.make_campaign([a, b], slug="dot-trinh-duyet")
    for i in range(8):
        factories.make_response(campaign, a if i % 2 else b, score=3 + i % 3)
    factories.make_response(campaign, a, channel=Channel.QR, score=5, group_code="budget_user")
    # Direct permission, not the role group: a transactional test's flush may have removed it.
    boss = factories.make_user("lanhdao-dashboard", is_staff=True, unit=factories.test_root())
    boss.user_permissions.add(
        Permission.objects.get(content_type__app_label="surveys", codename="view_all_results")
    )
    client = Client()
    client.force_login(boss)
    browser.get(live_server.url + reverse("healthz"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie, "path": "/"})
    browser.get(f"{live_server.url}{reverse('dashboard:index')}?campaign={campaign.slug}")

    drawn = WebDriverWait(browser, 20).until(
        lambda d: d.execute_script(
            "return window.Chart && Object.keys(Chart.instances).length >= 7"
            " && Object.keys(Chart.instances).length"
        )
    )
    assert drawn == 7  # the six of a round, and the trend by year
    canvases = browser.find_elements(By.CSS_SELECTOR, "canvas[role=img][aria-label]")
    assert len(canvases) == 7 and all(c.size["height"] > 50 for c in canvases)
    assert browser.find_element(By.ID, "chart-years").size["height"] > 50
    table = browser.find_element(By.ID, "table-units").text
    assert "Phòng Kiểm soát chi" in table and "KBNN Hải Châu" in table
    assert browser.find_element(By.ID, "total-responses").text == "9"
