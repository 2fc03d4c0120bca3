"""Every staff page in a real Chromium at a phone's 360 × 800 and a laptop's 1366 × 900: the page
never scrolls sideways (wide tables scroll inside their own focusable region) and the header
keeps the language switch and the log-out button on screen."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import _chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(360, 800), (1366, 900)]


def _staff_pages() -> list[str]:
    from fieldwork.models import KeyingBatch
    from followups.models import FollowUp
    from reports.models import ReportRun
    from surveys.models import Campaign

    campaign = Campaign.objects.get(slug="demo")
    pages = [
        reverse("dashboard:index"),
        reverse("dashboard:quota"),
        reverse("followups:list"),
        reverse("followups:comments"),
        reverse("fieldwork:batches"),
        reverse("fieldwork:responses_upload"),
        reverse("fieldwork:invitations"),
        reverse("reports:list"),
        reverse("admin:index"),
        reverse("admin:surveys_campaign_change", args=[campaign.pk]),
        reverse("admin:surveys_response_changelist"),
    ]
    followup = FollowUp.objects.order_by("pk").first()
    if followup:
        pages.append(reverse("followups:detail", args=[followup.pk]))
    batch = KeyingBatch.objects.order_by("pk").first()
    if batch:
        pages.append(reverse("fieldwork:keying", args=[batch.pk]))
    run = ReportRun.objects.order_by("pk").first()
    if run:
        pages.append(reverse("reports:detail", args=[run.pk]))
    return pages


OVERFLOW = """
const root = document.documentElement;
const wide = [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.right > root.clientWidth + 1
    && !e.closest('.table-responsive, .overflow-auto');
}).slice(0, 5).map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40));
return [root.scrollWidth, root.clientWidth, wide];
"""


def test_no_staff_page_scrolls_sideways_on_a_phone_or_a_laptop(live_server, settings):
    call_command("seed_demo", "--responses", "80")
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    pages = _staff_pages()
    problems = []
    for width, height in SIZES:
        driver = _chromium(width, height)
        try:
            driver.get(live_server.url + reverse("healthz"))
            driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie, "path": "/"})
            for page in pages:
                driver.get(live_server.url + page)
                scroll, client_width, wide = driver.execute_script(OVERFLOW)
                if scroll > client_width:
                    problems.append((width, page, scroll, wide))
                if page.startswith("/admin/"):
                    continue
                switch = driver.find_element("css selector", "button[name=language]")
                rect = driver.execute_script(
                    "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right];",
                    switch,
                )
                if not (rect[0] >= 0 and rect[1] <= client_width):
                    problems.append((width, page, "language switch off screen", rect))
        finally:
            driver.quit()
    assert not problems, [p[:3] for p in problems]
