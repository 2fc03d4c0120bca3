"""End to end in a real headless Chromium at phone size: open, answer, submit, thank-you, stored."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from surveys.models import Response
from surveys.tests import factories


@pytest.mark.browser
def test_customer_answers_on_a_phone(live_server, phone_browser, transactional_db):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign([unit], slug="dot-trinh-duyet")
    factories.group()  # the respondent groups exist
    questions = list(campaign.questionnaire.questions.values_list("code", flat=True))
    browser = phone_browser
    browser.get(live_server.url + reverse("surveys:unit_survey", args=[campaign.slug, "KSC"]))

    assert "Rất hài lòng" in browser.page_source
    # Readable at 360 px: nothing wider than the screen.
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )

    # Bootstrap scrolls smoothly; a click must not race the animation.
    browser.execute_script("document.documentElement.style.scrollBehavior = 'auto'")

    def tap(selector: str) -> None:
        element = browser.find_element(By.CSS_SELECTOR, selector)
        browser.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
        )
        element.click()

    tap("label[for='id_respondent_group_0']")
    for code in questions:
        if code != "C2":
            tap(f"label[for='id_q_{code}_4']")
    if os.environ.get("BROWSER_SCREENSHOT"):
        browser.save_screenshot(os.environ["BROWSER_SCREENSHOT"])

    # C2 with the keyboard alone: Tab from C1 into the next group, Space, then arrows.
    browser.find_element(By.ID, "id_q_C1_4").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("name") == "q_C2"
    focused.send_keys(Keys.SPACE)
    for _ in range(3):
        browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert (
        browser.find_element(By.CSS_SELECTOR, "input[name='q_C2']:checked").get_attribute("value")
        == "4"
    )

    comment = browser.find_element(By.ID, "id_comment")
    comment.send_keys("Cần thêm ghế chờ")
    assert browser.find_element(By.ID, "comment-counter").text.startswith("16/2000")

    tap("#submit-survey")
    try:
        WebDriverWait(browser, 20).until(ec.url_contains("/cam-on/"))
    except TimeoutException:
        main = browser.find_element(By.TAG_NAME, "main").text
        pytest.fail(f"no thank-you page at {browser.current_url}: {main[:600]}")
    code = browser.find_element(By.ID, "tracking-code").text

    response = Response.objects.get()
    assert response.tracking_code == code
    assert (response.channel, response.unit, response.comment) == ("web", unit, "Cần thêm ghế chờ")
    assert response.answers.get(question__code="C2").score == 4
    assert response.answers.get(question__code="CHUNG").score == 5
    assert response.answers.count() == len(questions)
