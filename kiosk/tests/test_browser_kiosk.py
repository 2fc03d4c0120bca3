"""The counter tablet in a real headless Chromium: enrol, three customers in a row each start
blank, a half-filled form is cleared when left, two answers given offline are stored exactly
once each after the network returns (through a reload), and a revoked kiosk is refused."""

from __future__ import annotations

import time

import pytest

from kiosk.services import kiosk_create, kiosk_revoke
from surveys.models import Response
from surveys.tests import factories


@pytest.mark.browser
def test_counter_tablet_end_to_end(live_server, browser, transactional_db, settings):  # noqa: C901 (one scripted visit)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    settings.KIOSK_THANKS_SECONDS = 2
    settings.KIOSK_IDLE_SECONDS = 2
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign([unit], slug="dot-kiosk")
    payer = factories.group()
    codes = list(campaign.questionnaire.questions.values_list("code", flat=True))
    enrolment = kiosk_create(campaign=campaign, unit=unit, label="Quầy 1")

    def wait(condition, timeout=20, what=""):
        try:
            return WebDriverWait(browser, timeout, poll_frequency=0.1).until(lambda d: condition())
        except Exception:
            body = browser.find_element(By.TAG_NAME, "body").text[:800]
            pytest.fail(f"timed out waiting for {what}: {body}")

    def js(script, *args):
        return browser.execute_script(script, *args)

    def visible(element_id):
        return js(f"const e = document.getElementById('{element_id}'); return !!e && !e.hidden;")

    def blank():
        return js(
            "const f = document.getElementById('kiosk-form');"
            "return !f.querySelector('input[type=radio]:checked') && f.comment.value === ''"
            " && /^[0-9a-f-]{36}$/.test(f.idempotency_key.value);"
        )

    def tap(selector):
        element = browser.find_element(By.CSS_SELECTOR, selector)
        js("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
        element.click()

    def answer(score: int, comment: str = ""):
        tap(f"label[for='kiosk-group-{payer.pk}']")
        for code in codes:
            tap(f"label[for='id_q_{code}_{score - 1}']")
        if comment:
            browser.find_element(By.ID, "kiosk-comment").send_keys(comment)
        tap("#kiosk-send")

    def queued():
        return js("return document.getElementById('kiosk-queue').dataset.count;")

    # --- enrol: the one-time address, then the kiosk page; its worker keeps the page
    browser.get(live_server.url + enrolment.path)
    browser.find_element(By.ID, "kiosk-enrol").click()
    wait(
        lambda: browser.current_url.endswith("/kiosk/") and visible("kiosk-form-screen"),
        what="the kiosk page",
    )
    assert "Rất hài lòng" in browser.page_source
    wait(lambda: js("return document.body.dataset.swReady === '1'"), what="the service worker")

    # --- a form left half-filled is cleared
    tap(f"label[for='id_q_{codes[0]}_2']")
    assert not blank()
    wait(blank, timeout=10, what="the idle form to clear")

    # --- three customers in a row, each starting blank
    keys = set()
    history = js("return history.length")
    for n, score in enumerate((5, 4, 3)):
        assert blank(), f"customer {n + 1} did not start blank"
        key = js("return document.getElementById('kiosk-form').idempotency_key.value")
        assert key not in keys
        keys.add(key)
        answer(score, comment="Cần thêm ghế chờ" if n == 1 else "")
        wait(lambda: visible("kiosk-thanks-screen"), what="the thank-you screen")
        if n == 1:  # the tracking code only on request, then forgotten
            assert visible("kiosk-code-box") and not visible("kiosk-code")
            tap("#kiosk-show-code")
            shown = browser.find_element(By.ID, "kiosk-code").text
            assert shown == Response.objects.get(comment="Cần thêm ghế chờ").tracking_code
            tap("#kiosk-next")
            assert js("return document.getElementById('kiosk-code').textContent") == ""
        wait(lambda: visible("kiosk-form-screen") and blank(), what="the next blank form")
    assert js("return history.length") == history  # no way back to a customer's answers
    stored = Response.objects.filter(channel="kiosk")
    assert sorted(stored.values_list("answers__score", flat=True).distinct()) == [3, 4, 5]
    assert stored.count() == 3

    # --- offline: two answers kept on the tablet, through a reload
    browser.set_network_conditions(
        offline=True, latency=0, download_throughput=0, upload_throughput=0
    )
    for score in (2, 5):
        answer(score)
        wait(
            lambda: visible("kiosk-thanks-screen") and visible("kiosk-thanks-offline"),
            what="the offline thank-you",
        )
        wait(lambda: visible("kiosk-form-screen") and blank(), what="a blank form offline")
    wait(lambda: queued() == "2", what="two answers waiting")
    assert visible("kiosk-queue") and visible("kiosk-offline")
    browser.refresh()
    wait(lambda: visible("kiosk-form-screen") and queued() == "2", what="the queue after reload")
    time.sleep(1)
    assert stored.count() == 3
    browser.delete_network_conditions()
    wait(lambda: queued() == "0", timeout=30, what="the queue to be sent")
    assert stored.count() == 5
    time.sleep(5)  # a few more flush rounds: nothing is sent twice
    assert stored.count() == 5
    assert Response.objects.count() == 5

    # --- revoked: the open page's answer is refused, then the page itself
    kiosk_revoke(kiosk=enrolment.kiosk)
    answer(4)
    wait(lambda: visible("kiosk-refused-screen"), what="the refusal")
    browser.refresh()
    wait(
        lambda: "thu hồi" in browser.find_element(By.TAG_NAME, "body").text, what="the revoked page"
    )
    assert Response.objects.count() == 5
