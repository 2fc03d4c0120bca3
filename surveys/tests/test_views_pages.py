"""Every public page through the test client: status codes, content, both languages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import CampaignStatus, Response, UnitKind
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post

pytestmark = pytest.mark.django_db

# English is chosen with the language switch (its cookie), never by the browser's language.
EN = {"HTTP_COOKIE": "django_language=en"}


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_home_lists_only_open_campaigns(client, campaign):
    factories.make_campaign(name="Bản nháp", status=CampaignStatus.DRAFT)
    factories.make_campaign(name="Đã đóng", status=CampaignStatus.CLOSED)
    factories.make_campaign(name="Sắp mở", opens_on=days(3), closes_on=days(9))
    page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    assert campaign.name in text
    assert "Bản nháp" not in text and "Đã đóng" not in text and "Sắp mở" not in text
    assert "Khảo sát sự hài lòng của khách hàng" in text


def test_home_in_english(client, campaign):
    page = client.get("/", **EN)
    assert "Customer satisfaction survey" in page.content.decode()
    assert page["Content-Language"] == "en"


def test_browser_language_does_not_override_vietnamese(client, campaign):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "vi"
    assert "Khảo sát sự hài lòng của khách hàng" in page.content.decode()


def test_unit_picker_groups_units_by_kind(client, campaign, unit):
    district = factories.make_unit("HCH", name="KBNN Hải Châu", kind=UnitKind.DISTRICT)
    gone = factories.make_unit("OLD", name="KBNN Cũ", valid_to=days(-1))
    campaign.units.add(district, gone)
    page = client.get(reverse("surveys:unit_picker", args=[campaign.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Phòng thuộc Kho bạc thành phố" in text or "Phòng" in text
    assert reverse("surveys:unit_survey", args=[campaign.slug, "HCH"]) in text
    assert reverse("surveys:unit_survey", args=[campaign.slug, "KSC"]) in text
    assert "KBNN Cũ" not in text
    kinds = [kind for kind, _ in page.context["groups"]]
    assert len(kinds) == 2


@pytest.mark.parametrize("query", ["hai chau", "Hải Châu", "HCH"])
def test_unit_picker_search_works_without_javascript(client, campaign, unit, query):
    district = factories.make_unit("HCH", name="KBNN Hải Châu", kind=UnitKind.DISTRICT)
    campaign.units.add(district)
    page = client.get(reverse("surveys:unit_picker", args=[campaign.slug]), {"q": query})
    names = [u.name for _, units in page.context["groups"] for u in units]
    assert names == ["KBNN Hải Châu"]


def test_unit_picker_search_without_match_says_so(client, campaign):
    page = client.get(reverse("surveys:unit_picker", args=[campaign.slug]), {"q": "zzz"})
    assert page.status_code == 200
    assert "Không có đơn vị nào" in page.content.decode()


def test_survey_page_in_vietnamese_by_default(client, campaign, unit):
    page = client.get(reverse("surveys:unit_survey", args=[campaign.slug, unit.code]))
    assert page.status_code == 200
    text = page.content.decode()
    for label in ("Rất không hài lòng", "Bình thường", "Rất hài lòng", "Không ý kiến"):
        assert label in text
    assert "Tiếp cận dịch vụ" in text
    assert 'name="q_C1" id="id_q_C1_4" value="5"' in text
    assert 'maxlength="2000"' in text
    assert 'name="website"' in text and 'name="idempotency_key"' in text
    assert "91/2025/QH15" in text and "Nghị định 356/2025/NĐ-CP" in text
    assert "13/2023" not in text


def test_survey_page_in_english(client, campaign, unit):
    page = client.get(reverse("surveys:unit_survey", args=[campaign.slug, unit.code]), **EN)
    text = page.content.decode()
    for label in ("Very dissatisfied", "Neutral", "Very satisfied", "No opinion"):
        assert label in text
    assert "Access to the service" in text
    assert "Staff are polite and respectful to customers." in text


def test_every_input_has_a_label(client, campaign, unit):
    import re

    page = client.get(reverse("surveys:unit_survey", args=[campaign.slug, unit.code]))
    text = page.content.decode()
    ids = re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', text)
    hidden = set(re.findall(r'<input type="hidden"[^>]*\bid="([^"]+)"', text))
    for input_id in set(ids) - hidden:
        assert f'for="{input_id}"' in text, input_id


def _closed(campaign):
    campaign.status = CampaignStatus.CLOSED
    campaign.save()


def _ended(campaign):
    campaign.opens_on, campaign.closes_on = days(-20), days(-1)
    campaign.save()


def _draft(campaign):
    campaign.status = CampaignStatus.DRAFT
    campaign.save()


def _not_yet(campaign):
    campaign.opens_on, campaign.closes_on = days(2), days(20)
    campaign.save()


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        (_closed, 410, "đã kết thúc"),
        (_ended, 410, "đã kết thúc"),
        (_draft, 404, "Không tìm thấy"),
        (_not_yet, 404, "chưa mở"),
    ],
)
def test_unavailable_campaigns_get_a_clear_page(client, campaign, unit, change, status, message):
    change(campaign)
    for url in (
        reverse("surveys:unit_picker", args=[campaign.slug]),
        reverse("surveys:unit_survey", args=[campaign.slug, unit.code]),
    ):
        page = client.get(url)
        assert page.status_code == status
        assert message in page.content.decode()


def test_unknown_campaign_and_unit(client, campaign, unit):
    assert client.get("/s/khong-co/").status_code == 404
    assert client.get("/s/khong-co/KSC/").status_code == 404
    page = client.get(reverse("surveys:unit_survey", args=[campaign.slug, "NOPE"]))
    assert page.status_code == 404
    assert "Không tìm thấy đơn vị" in page.content.decode()
    outsider = factories.make_unit("OUT")
    assert (
        client.get(reverse("surveys:unit_survey", args=[campaign.slug, outsider.code])).status_code
        == 404
    )


def test_expired_unit_is_gone(client, campaign, unit):
    unit.valid_to = days(-1)
    unit.save()
    page = client.get(reverse("surveys:unit_survey", args=[campaign.slug, unit.code]), **EN)
    assert page.status_code == 410
    assert "no longer exists" in page.content.decode()


def test_channel_not_accepted(client, campaign, unit):
    campaign.channels = ["web", "paper"]
    campaign.save()
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert client.get(url).status_code == 200
    assert client.get(f"{url}?k=qr").status_code == 404


def test_invitation_pages(client, campaign, unit):
    assert client.get(reverse("surveys:invitation_survey", args=["nope"])).status_code == 404
    expired = factories.make_invitation(campaign, unit, expires_at=timezone.now())
    page = client.get(reverse("surveys:invitation_survey", args=[expired.token]))
    assert page.status_code == 410
    assert "hết hạn" in page.content.decode()
    used = factories.make_invitation(campaign, unit, answered_on=timezone.localdate())
    page = client.get(reverse("surveys:invitation_survey", args=[used.token]), **EN)
    assert page.status_code == 410
    assert "already been answered" in page.content.decode()
    fresh = factories.make_invitation(campaign, unit)
    page = client.get(reverse("surveys:invitation_survey", args=[fresh.token]))
    assert page.status_code == 200
    assert unit.name in page.content.decode()
    _closed(campaign)
    assert client.get(reverse("surveys:invitation_survey", args=[fresh.token])).status_code == 410


def test_invitation_address_with_a_character_no_token_has_is_not_found(client):
    assert client.get("/i/%00/").status_code == 404


def test_thanks_page_unknown_key(client):
    assert client.get("/cam-on/9f1c7a52-4a8c-4d9e-9a8e-1c2b3d4e5f60/").status_code == 404


def test_thanks_page_in_both_languages(client, campaign, unit):
    reply = client.post(
        reverse("surveys:unit_survey", args=[campaign.slug, unit.code]),
        answers_post(campaign, comment="Cần thêm ghế chờ"),
    )
    vi = client.get(reply.url).content.decode()
    en = client.get(reply.url, **EN).content.decode()
    assert "Cảm ơn" in vi and "Thank you" in en


def test_thanks_page_needs_no_query_with_its_signed_address(
    client, campaign, unit, django_assert_num_queries
):
    reply = client.post(
        reverse("surveys:unit_survey", args=[campaign.slug, unit.code]),
        answers_post(campaign, comment="Cần thêm ghế chờ"),
    )
    code = Response.objects.get().tracking_code
    with django_assert_num_queries(0):
        signed = client.get(reply.url).content.decode()
    looked_up = client.get(reply.url.split("?")[0]).content.decode()
    for page in (signed, looked_up):
        assert unit.name in page and f"/tra-cuu/{code}/" in page


def test_thanks_page_ignores_a_forged_or_moved_signature(client, campaign, unit):
    survey = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    first = client.post(survey, answers_post(campaign, comment="Một"))
    second = client.post(survey, answers_post(campaign))
    path, signed = first.url.split("?")
    other_path = second.url.split("?")[0]
    forged = signed.replace("v=", "v=W", 1)
    # Moved to another response, or altered: the page shows what is stored, never the payload.
    moved = client.get(f"{other_path}?{signed}").content.decode()
    assert "/tra-cuu/" not in moved and unit.name in moved
    assert "/tra-cuu/" in client.get(f"{path}?{forged}").content.decode()
    unknown = "/cam-on/9f1c7a52-4a8c-4d9e-9a8e-1c2b3d4e5f60/"
    assert client.get(f"{unknown}?{signed}").status_code == 404


def test_thanks_page_has_no_form_and_sets_no_cookie(client, campaign, unit):
    survey = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert client.get(survey).content.decode().count('name="language"') == 1  # the switch
    reply = client.post(survey, answers_post(campaign, comment="Cần thêm ghế chờ"))
    thanks = client.get(reply.url + '&x="><script>alert(1)</script>')
    page = thanks.content.decode()
    # The survey is over: no language switch, so no CSRF token to mint or cookie to renew.
    assert "<form" not in page and "csrfmiddlewaretoken" not in page
    assert "csrftoken" not in thanks.cookies
    assert "<script>alert(1)" not in page and "%3Cscript" not in page


def test_method_not_allowed(client, campaign, unit):
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    assert client.put(url).status_code == 405


def test_posters_are_for_the_survey_team_only(client, campaign, unit):
    url = reverse("surveys:campaign_posters", args=[campaign.slug])
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(factories.make_user("nobody", is_staff=True))
    assert client.get(url).status_code == 403


def test_posters_print_a_qr_code_per_unit(client, campaign, unit, settings):
    settings.SITE_URL = "https://khaosat.example.vn"
    other = factories.make_unit("HCH", name="KBNN Hải Châu", kind=UnitKind.DISTRICT)
    campaign.units.add(other)
    client.force_login(factories.survey_team())
    page = client.get(reverse("surveys:campaign_posters", args=[campaign.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("<svg") == 2
    assert f"https://khaosat.example.vn/s/{campaign.slug}/KSC/?k=qr" in text
    assert "KBNN Hải Châu" in text and "Phòng Kiểm soát chi" in text
    one = client.get(reverse("surveys:unit_poster", args=[campaign.slug, "HCH"]))
    assert one.status_code == 200
    assert one.content.decode().count("<svg") == 1
    assert client.get(reverse("surveys:unit_poster", args=[campaign.slug, "XX"])).status_code == 404


def test_campaign_admin_links_to_the_posters(client, campaign):
    client.force_login(factories.survey_team())
    page = client.get(reverse("admin:surveys_campaign_change", args=[campaign.pk]))
    assert reverse("surveys:campaign_posters", args=[campaign.slug]) in page.content.decode()


def test_every_page_gets_its_own_key_and_token_and_fresh_data(client, campaign, unit):
    from surveys.tests.survey_posts import page_key

    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    first, second = client.get(url), client.get(url)
    assert page_key(first.content) != page_key(second.content)
    assert "00000000-0000-0000-0000-00000000cafe" not in second.content.decode()
    assert "csrf-token-placeholder" not in second.content.decode()
    assert second.cookies.get("csrftoken")
    campaign.name = "Đợt đổi tên"
    campaign.save()
    unit.name = "Phòng đổi tên"
    unit.save()
    text = client.get(url).content.decode()
    assert "Đợt đổi tên" in text and "Phòng đổi tên" in text
    question = campaign.questionnaire.questions.get(code="C1")
    question.text = "Câu hỏi đã sửa"
    question.save()
    assert "Câu hỏi đã sửa" in client.get(url).content.decode()
    _closed(campaign)
    assert client.get(url).status_code == 410


def test_campaign_admin_shows_refused_submissions(client, campaign, unit):
    url = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    client.post(url, answers_post(campaign, website="robot"))
    client.post(url, answers_post(campaign, q_C1="9"))
    client.post(url, answers_post(campaign, q_C1="9"))
    client.force_login(factories.survey_team())
    page = client.get(reverse("admin:surveys_campaign_change", args=[campaign.pk]))
    text = page.content.decode()
    assert "Phiếu bị từ chối: 3" in text
    assert "Câu trả lời không hợp lệ</td><td>2" in text
    assert "Ô ẩn bị điền (máy tự động)</td><td>1" in text
