"""axe-core (from the npm registry, see package.json) injected into Debian's Chromium: no WCAG 2.1
A/AA violation on the public pages and the main staff pages, at a phone's and a laptop's size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import _chromium, service_missing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SIZES = [(360, 800), (1366, 900)]
RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => done(r.violations.map(v => [
    v.id, v.nodes.length, v.nodes.slice(0, 2).map(n => n.target.join(' '))])))
  .catch(e => done([['axe-error', 0, [String(e)]]]));
"""


def _public_pages(client) -> list[str]:
    from surveys.models import Campaign
    from surveys.tests.survey_posts import answers_post

    campaign = Campaign.objects.get(slug="demo")
    unit = campaign.units.order_by("code").first()
    survey = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    data = answers_post(campaign, comment="Cần thêm chỗ ngồi chờ.")
    thanks = client.post(survey, data)["Location"]
    page = client.get(thanks).content.decode()
    code = re.search(r'/tra-cuu/([^/"]+)/', page)
    pages = ["/", reverse("surveys:unit_picker", args=[campaign.slug]), survey, thanks]
    if code:
        pages.append(reverse("followups:status", args=[code.group(1)]))
    return pages


def _staff_pages() -> list[str]:
    from fieldwork.models import KeyingBatch

    pages = [reverse("dashboard:index"), reverse("followups:list"), reverse("reports:list"),
             reverse("followups:comments")]  # fmt: skip
    batch = KeyingBatch.objects.order_by("pk").first()
    if batch:
        pages.append(reverse("fieldwork:keying", args=[batch.pk]))
    return pages


def test_no_wcag_violation_on_public_and_staff_pages(live_server, settings):
    if not AXE.exists():
        service_missing(f"{AXE} is missing (npm ci installs axe-core)")
    call_command("seed_demo", "--responses", "40")
    from django.contrib.auth.models import User

    public = Client()
    pages = _public_pages(public)
    staff = Client()
    staff.force_login(User.objects.get(username="admin"))
    cookie = staff.cookies[settings.SESSION_COOKIE_NAME].value
    from selenium.webdriver.support.ui import WebDriverWait

    script = AXE.read_text()
    found = []
    for width, height in SIZES:
        driver = _chromium(width, height)
        driver.set_script_timeout(60)
        try:
            for page in pages:
                driver.get(live_server.url + page)
                driver.execute_script(script)
                found += [(width, page, *v) for v in driver.execute_async_script(RUN)]
            # The survey sent with nothing answered: the page of its errors.
            driver.get(live_server.url + pages[2])
            driver.execute_script("document.getElementById('survey-form').requestSubmit();")
            WebDriverWait(driver, 20).until(
                lambda d: d.find_elements("css selector", "[aria-invalid=true]")
            )
            driver.execute_script(script)
            found += [(width, "errors", *v) for v in driver.execute_async_script(RUN)]
            driver.get(live_server.url + reverse("healthz"))
            driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie, "path": "/"})
            for page in _staff_pages():
                driver.get(live_server.url + page)
                driver.execute_script(script)
                found += [(width, page, *v) for v in driver.execute_async_script(RUN)]
        finally:
            driver.quit()
    assert not found, [(w, p[:40], rule, n, t) for w, p, rule, n, t in found]
