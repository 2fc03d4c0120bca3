"""Keying paper forms in a real headless Chromium with the keyboard alone; double entry settled."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import FormSettlement, KeyedForm
from surveys.models import Response
from surveys.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def keyer(username: str):
    """A staff user allowed to key paper forms. Not through the role group: an earlier
    transactional test's flush removes rows that migrations created, groups included."""
    from django.contrib.auth.models import Permission

    user = factories.make_user(username, is_staff=True, unit=factories.test_root())
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="fieldwork", codename="key_paper_forms")
    )
    return user


class Operator:
    """One person at the keyboard: logs in (session cookie) and types."""

    def __init__(self, driver, live_server, user):
        self.driver, self.base = driver, live_server.url
        client = Client()
        client.force_login(user)
        driver.delete_all_cookies()
        driver.get(self.base + reverse("healthz"))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie, "path": "/"})

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def type(self, *keys: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def _js(self, script: str):
        # One script, read in one go: the page reloads after every Enter, and an element
        # looked up just before the reload would be gone by the time it is read.
        return self.driver.execute_script(script)

    def wait_count(self, n: int) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, 10).until(
            lambda d: (
                self._js(
                    "var e = document.getElementById('keyed-count');"
                    "return document.readyState === 'complete' && e ? e.textContent : null"
                )
                == str(n)
            )
        )

    def active_id(self) -> str:
        return self._js("return document.activeElement ? document.activeElement.id : ''")

    def wait_focus(self, element_id: str) -> None:
        """The page's script puts the cursor in place once the page has loaded."""
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, 10).until(lambda d: self.active_id() == element_id)

    def key_form(self, digits: str, comment: str = "") -> None:
        """Ten criteria and the overall question, then the comment, then Enter."""
        from selenium.webdriver.common.keys import Keys

        self.wait_focus("f-C1")  # the next blank form is ready to type into
        self.type(digits)
        assert self.active_id() == "f-comment"
        self.type(comment, Keys.ENTER)


def open_batch_with_keyboard(op: Operator, campaign_name: str, code: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    op.open(reverse("fieldwork:batches"))
    op.driver.find_element(By.ID, "id_campaign").send_keys(campaign_name)
    op.type(Keys.TAB, "Phòng Kiểm", Keys.TAB, "Tổ chức", Keys.TAB, code, Keys.ENTER)


def test_operator_keys_a_batch_with_the_keyboard_alone(live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    factories.group()
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign([unit], slug="dot-giay", name="Đợt giấy 2026")
    team = keyer("nhapphieu")
    op = Operator(browser, live_server, team)
    open_batch_with_keyboard(op, campaign.name, "HOP-07")
    op.wait_count(0)

    # First form: the date once (it stays for the next forms), then the digits.
    op.wait_focus("f-answered_on")
    op.type(timezone.localdate().strftime("%d/%m/%Y"), Keys.TAB)
    op.key_form("55445554455", "Cán bộ tận tình")
    op.wait_count(1)
    # Second form: a wrong key (9) is refused on the spot and the cursor stays.
    op.wait_focus("f-C1")
    op.type("5", "9")
    assert op.active_id() == "f-C2"
    assert browser.find_element(By.ID, "f-C2").get_attribute("value") == ""
    assert "1 đến 5" in browser.find_element(By.ID, "keying-refused").text
    op.type("4444444443", "4", Keys.ENTER)
    op.wait_count(2)
    # Third form: 0 is "no opinion".
    op.key_form("03333333333")
    op.wait_count(3)

    stored = Response.objects.filter(campaign=campaign, channel="paper", batch="HOP-07")
    assert stored.count() == 3 and set(stored.values_list("keyed_by", flat=True)) == {team.pk}
    assert stored.filter(comment="Cán bộ tận tình").exists()
    third = stored.exclude(comment="Cán bộ tận tình").filter(answers__question__code="C1")
    assert third.filter(answers__score__isnull=True).count() == 1


def test_double_entry_difference_is_caught_and_settled(live_server, browser):
    from selenium.webdriver.common.by import By

    factories.group()
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign(
        [unit], slug="dot-kep", name="Đợt nhập kép", double_entry=True
    )
    first, second = keyer("nguoi1"), keyer("nguoi2")
    day = timezone.localdate().strftime("%d/%m/%Y")
    forms = ["55555555555", "44444444444"]
    for user, planted in ((first, forms), (second, [forms[0], "44344444444"])):
        op = Operator(browser, live_server, user)
        open_batch_with_keyboard(op, campaign.name, "HOP-01")
        op.wait_count(0)
        op.wait_focus("f-answered_on")
        op.type(day, "\t")
        for n, digits in enumerate(planted, start=1):
            op.key_form(digits)
            op.wait_count(n)
    assert KeyedForm.objects.count() == 4
    assert Response.objects.count() == 1  # form 1 agreed; form 2 differs and does not count

    op = Operator(browser, live_server, keyer("nguoi3"))
    batch_pk = KeyedForm.objects.first().batch_id
    op.open(reverse("fieldwork:settle", args=[batch_pk]))
    rows = browser.find_elements(By.CSS_SELECTOR, "#form-2 tr.difference")
    assert [r.get_attribute("data-field") for r in rows] == ["C3"]
    assert browser.find_element(By.ID, "difference-count").text == "1"
    # The paper says 4 (pass 1): choose it and settle.
    browser.find_element(By.CSS_SELECTOR, "#form-2 input[name=f_C3][value='1']").click()
    browser.find_element(By.CSS_SELECTOR, "#form-2 button[type=submit]").click()
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.ID, "no-differences")))
    assert browser.find_element(By.ID, "settled-count").text == "2"

    settled = FormSettlement.objects.get(seq=2)
    assert settled.settled_by.username == "nguoi3"
    assert settled.response.answers.get(question__code="C3").score == 4
    assert Response.objects.filter(campaign=campaign).count() == 2
