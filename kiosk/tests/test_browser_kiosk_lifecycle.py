"""The counter tablet across what a tablet lives through, in Debian's Chromium: answers queued
offline survive quitting the browser and are stored exactly once each by the next one (same
profile, network back); a new service worker takes over only between customers, never under a
half-filled form, and the offline page keeps working after the update."""

from __future__ import annotations

import time

import pytest

from conftest import _chromium
from kiosk.services import kiosk_create
from surveys.models import Response
from surveys.tests import factories

GROUP_LABEL = "label[for='kiosk-group-{pk}']"


class Tablet:
    """One Chromium on the kiosk page, driven as the customers would."""

    def __init__(self, driver, payer, codes):
        self.driver, self.payer, self.codes = driver, payer, codes

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def js_async(self, script):
        """`script` ends by calling done(value)."""
        return self.driver.execute_async_script(
            f"const done = arguments[arguments.length - 1]; {script}"
        )

    def wait(self, condition, timeout=25, what=""):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(
                lambda d: condition()
            )
        except Exception:
            body = self.driver.find_element(By.TAG_NAME, "body").text[:600]
            pytest.fail(f"timed out waiting for {what}: {body}")

    def visible(self, element_id):
        return self.js(
            f"const e = document.getElementById('{element_id}'); return !!e && !e.hidden;"
        )

    def blank(self):
        return self.js(
            "const f = document.getElementById('kiosk-form');"
            "return !!f && !f.querySelector('input[type=radio]:checked') && f.comment.value === ''"
            " && /^[0-9a-f-]{36}$/.test(f.idempotency_key.value);"
        )

    def tap(self, selector):
        from selenium.webdriver.common.by import By

        element = self.driver.find_element(By.CSS_SELECTOR, selector)
        self.js("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
        element.click()

    def fill(self, score):
        self.tap(GROUP_LABEL.format(pk=self.payer.pk))
        for code in self.codes:
            self.tap(f"label[for='id_q_{code}_{score - 1}']")

    def send(self):
        self.tap("#kiosk-send")

    def queued(self):
        return self.js("return document.getElementById('kiosk-queue').dataset.count;")

    def queued_keys(self):
        return self.js_async(
            "const r = indexedDB.open('kbnn-kiosk', 1);"
            "r.onsuccess = () => { const db = r.result;"
            " const q = db.transaction('queue').objectStore('queue').getAllKeys();"
            " q.onsuccess = () => { db.close(); done(q.result); }; };"
            "r.onerror = () => done(null);"
        )

    def worker_caches(self):
        return self.js_async(
            "caches.keys().then((k) => done(k.filter((n) => n.startsWith('kbnn-kiosk-')).sort()));"
        )

    def waiting_worker(self):
        return self.js_async(
            "navigator.serviceWorker.getRegistration('/kiosk/')"
            ".then((r) => done(!!(r && r.waiting)));"
        )


def _setup(live_server, settings):
    settings.KIOSK_THANKS_SECONDS = 2
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign([unit], slug="dot-kiosk")
    payer = factories.group()
    codes = list(campaign.questionnaire.questions.values_list("code", flat=True))
    return kiosk_create(campaign=campaign, unit=unit, label="Quầy 1"), payer, codes


def _enrol(tablet: Tablet, live_server, enrolment):
    from selenium.webdriver.common.by import By

    tablet.driver.get(live_server.url + enrolment.path)
    tablet.driver.find_element(By.ID, "kiosk-enrol").click()
    tablet.wait(
        lambda: (
            tablet.driver.current_url.endswith("/kiosk/") and tablet.visible("kiosk-form-screen")
        ),
        what="the kiosk page",
    )
    tablet.wait(
        lambda: tablet.js("return document.body.dataset.swReady === '1'"), what="the worker"
    )


@pytest.mark.browser
def test_answers_queued_offline_survive_a_browser_restart_and_are_stored_once(
    live_server, transactional_db, settings, tmp_path
):
    enrolment, payer, codes = _setup(live_server, settings)
    profile = str(tmp_path / "profile")
    first = Tablet(_chromium(1280, 900, profile=profile), payer, codes)
    try:
        _enrol(first, live_server, enrolment)
        first.driver.set_network_conditions(
            offline=True, latency=0, download_throughput=0, upload_throughput=0
        )
        for score in (2, 5):
            first.fill(score)
            first.send()
            first.wait(lambda: first.visible("kiosk-thanks-offline"), what="the offline thanks")
            first.wait(lambda: first.visible("kiosk-form-screen") and first.blank(), what="blank")
        first.wait(lambda: first.queued() == "2", what="two answers waiting")
        keys = sorted(first.queued_keys())
        assert len(keys) == 2
        assert Response.objects.count() == 0
    finally:
        first.driver.quit()  # the browser is closed with its queue on disk

    # A new browser on the same profile, the network back: it sends the queue by itself.
    second = Tablet(_chromium(1280, 900, profile=profile), payer, codes)
    try:
        second.driver.get(live_server.url + "/kiosk/")
        second.wait(lambda: second.visible("kiosk-form-screen"), what="the page after restart")
        second.wait(lambda: second.queued() == "0", timeout=30, what="the queue to be sent")
        time.sleep(5)  # more flush rounds: nothing is sent twice
        stored = sorted(str(k) for k in Response.objects.values_list("idempotency_key", flat=True))
        assert stored == keys  # exactly these two, once each
        assert sorted(Response.objects.values_list("answers__score", flat=True).distinct()) == [
            2,
            5,
        ]
        assert second.queued_keys() == []
    finally:
        second.driver.quit()


@pytest.mark.browser
def test_a_new_service_worker_takes_over_only_between_customers(
    live_server, transactional_db, settings, tmp_path
):
    settings.KIOSK_IDLE_SECONDS = 600  # the half-filled form stays while we look
    settings.KIOSK_SHELL_VERSION = "release-1"
    enrolment, payer, codes = _setup(live_server, settings)
    tablet = Tablet(_chromium(1280, 900, profile=str(tmp_path / "profile")), payer, codes)
    try:
        _enrol(tablet, live_server, enrolment)
        [old_cache] = tablet.worker_caches()
        # A customer is half-way through the form when a new version is released.
        tablet.tap(GROUP_LABEL.format(pk=payer.pk))
        tablet.tap(f"label[for='id_q_{codes[0]}_3']")
        tablet.js("window.kioskMarker = 'same page'")
        settings.KIOSK_SHELL_VERSION = "release-2"
        tablet.js_async(
            "navigator.serviceWorker.getRegistration('/kiosk/').then((r) => r.update())"
            ".then(() => done(true), () => done(false));"
        )
        tablet.wait(tablet.waiting_worker, what="the new worker installed and waiting")
        time.sleep(3)
        # Still waiting: the same page, the same worker, the customer's answers untouched.
        assert tablet.waiting_worker()
        assert tablet.js("return window.kioskMarker") == "same page"
        assert not tablet.blank()
        assert old_cache in tablet.worker_caches() and len(tablet.worker_caches()) == 2

        # The customer finishes; between customers the new worker takes over (one reload).
        for code in codes[1:]:
            tablet.tap(f"label[for='id_q_{code}_3']")
        tablet.send()
        tablet.wait(lambda: tablet.visible("kiosk-thanks-screen"), what="the thank-you")
        tablet.wait(
            lambda: (
                tablet.js("return window.kioskMarker === undefined")
                and tablet.visible("kiosk-form-screen")
                and tablet.blank()
            ),
            what="the page reloaded under the new worker",
        )
        tablet.wait(
            lambda: tablet.js("return !!navigator.serviceWorker.controller"), what="control"
        )
        [new_cache] = tablet.worker_caches()
        assert new_cache != old_cache and not tablet.waiting_worker()
        assert Response.objects.count() == 1

        # Offline after the update: the page comes from the new worker's cache and answers
        # are kept, then sent once when the network returns.
        tablet.driver.set_network_conditions(
            offline=True, latency=0, download_throughput=0, upload_throughput=0
        )
        tablet.driver.refresh()
        tablet.wait(lambda: tablet.visible("kiosk-form-screen") and tablet.blank(), what="offline")
        tablet.fill(4)
        tablet.send()
        tablet.wait(lambda: tablet.queued() == "1", what="one answer waiting")
        assert Response.objects.count() == 1
        tablet.driver.delete_network_conditions()
        tablet.wait(lambda: tablet.queued() == "0", timeout=30, what="the queue to be sent")
        assert Response.objects.count() == 2
    finally:
        tablet.driver.quit()
