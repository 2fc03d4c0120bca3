"""In a real headless Chromium: the proposed minimum follows N as the survey team types it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from surveys.models import Form, Quota
from surveys.stats import proposed_quota
from surveys.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_proposal_is_recomputed_as_n_is_typed(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    Quota.objects.create(
        campaign=campaign, unit=unit, form=Form.ONLINE, minimum=300, transaction_volume=2_000
    )
    # A superuser: an earlier transactional test's flush removes the role groups.
    user = factories.make_user("admin-b", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    browser.get(live_server.url + reverse("healthz"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie, "path": "/"})
    browser.get(live_server.url + reverse("admin:surveys_campaign_change", args=[campaign.pk]))
    cell = browser.find_element(By.CSS_SELECTOR, "#quotas-0 td.field-proposed_minimum p")
    assert cell.text == str(proposed_quota(2_000))
    volume = browser.find_element(By.NAME, "quotas-0-transaction_volume")
    volume.clear()
    volume.send_keys("10000")
    WebDriverWait(browser, 5).until(lambda d: cell.text == str(proposed_quota(10_000)))
    assert cell.text == "385"
    volume.send_keys(Keys.CONTROL, "a")  # emptied with the keyboard (clear() fires no input)
    volume.send_keys(Keys.BACKSPACE)
    WebDriverWait(browser, 5).until(lambda d: cell.text == "–")
    # The page's formula and the server's agree for every N up to 50,000.
    script = (
        "var out = []; for (var v = 1; v <= 50000; v++) out.push(window.kbnnProposedQuota(v));"
        " return out;"
    )
    assert browser.execute_script(script) == [proposed_quota(v) for v in range(1, 50_001)]
