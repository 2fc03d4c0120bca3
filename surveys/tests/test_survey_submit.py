"""Submitting the survey through the public pages: stored once, whole, or not at all."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import CampaignStatus, RefusalReason, Response, ResponseContact
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post, counts, page_key, refusals

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(campaign, unit):
    return reverse("surveys:unit_survey", args=[campaign.slug, unit.code])


def test_answering_the_page_stores_one_web_response(client, campaign, url):
    key = page_key(client.get(url).content)
    data = answers_post(campaign, "4", idempotency_key=key, q_C3="na", comment="  Rất tốt  ")
    reply = client.post(url, data)
    assert reply.status_code == 302
    response = Response.objects.get()
    assert reply.url.startswith(reverse("surveys:thanks", args=[key]) + "?v=")
    assert (response.channel, response.unit.code, str(response.idempotency_key)) == (
        "web",
        "KSC",
        key,
    )
    assert response.comment == "Rất tốt"
    assert response.answers.count() == 11
    assert response.answers.get(question__code="C3").score is None
    assert response.answers.get(question__code="C1").score == 4
    thanks = client.get(reply.url)
    assert thanks.status_code == 200
    assert response.tracking_code.encode() in thanks.content
    assert f"/tra-cuu/{response.tracking_code}/".encode() in thanks.content


def test_qr_marker_records_channel_qr(client, campaign, url):
    reply = client.post(f"{url}?k=qr", answers_post(campaign))
    assert reply.status_code == 302
    assert Response.objects.get().channel == "qr"


def test_thanks_without_comment_shows_no_tracking_code(client, campaign, url):
    reply = client.post(url, answers_post(campaign))
    page = client.get(reply.url)
    assert Response.objects.get().tracking_code is None
    assert b"tracking-code" not in page.content


@pytest.mark.parametrize("source", ["email", "portal"])
def test_invitation_is_answered_once_on_its_channel(client, campaign, unit, source):
    invitation = factories.make_invitation(
        campaign, unit, source=source, email="" if source == "portal" else "a@example.invalid"
    )
    url = reverse("surveys:invitation_survey", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="respondent_group"' not in page.content  # the invitation carries it
    reply = client.post(url, answers_post(campaign, group=None))
    assert reply.status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.unit, response.respondent_group.code) == (
        source,
        unit,
        "budget_user",
    )
    invitation.refresh_from_db()
    assert invitation.answered_on == response.answered_on
    before = counts()
    again = client.post(url, answers_post(campaign, group=None))
    assert again.status_code == 410
    assert counts() == before
    assert refusals(RefusalReason.INVITATION) == 1


def test_double_click_and_replay_store_one_response(client, campaign, url):
    data = answers_post(campaign, comment="Góp ý")
    first = client.post(url, data)
    second = client.post(url, data)
    third = client.post(url, data)
    assert first.url == second.url == third.url
    assert counts()[0] == 1
    assert refusals(RefusalReason.REPLAY) == 2


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"q_C1": "6"}, "q_C1"),
        ({"q_C1": "0"}, "q_C1"),
        ({"q_C1": "5; DROP TABLE"}, "q_C1"),
        ({"q_C1": "4.5"}, "q_C1"),
        ({"q_C7": None}, "q_C7"),
        ({"q_CHUNG": ""}, "q_CHUNG"),
        ({"q_C99": "3"}, None),
        ({"comment": "x" * 2001}, "comment"),
        ({"comment": "Ý kiến\x00 giữ lại"}, "comment"),
        ({"respondent_group": None}, "respondent_group"),
        ({"respondent_group": "999999"}, "respondent_group"),
        ({"idempotency_key": "not-a-uuid"}, "idempotency_key"),
        ({"idempotency_key": None}, "idempotency_key"),
        ({"contact_phone": "0905123456"}, "contact_consent"),
        ({"contact_consent": "on"}, "contact_phone"),
        ({"contact_consent": "on", "contact_email": "not-an-email"}, "contact_email"),
        ({"contact_consent": "on", "contact_phone": "12ab"}, "contact_phone"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_stores_nothing(
    client, campaign, url, override, field
):
    data = answers_post(campaign, "4", **{"comment": "Ý kiến giữ lại", **override})
    before = counts()
    reply = client.post(url, data)
    assert reply.status_code == 200
    assert counts() == before
    form = reply.context["form"]
    assert not form.is_valid()
    if field:
        errors = (
            form.errors.get(field)
            or form.answer_errors.get(field)
            or form.contact_form.errors.get(field)
        )
    else:
        errors = form.non_field_errors()
    assert errors, (form.errors, form.answer_errors, form.contact_form.errors)
    # Shown on the page, in Vietnamese by default.
    assert str(errors[0]) in reply.content.decode()
    # The summary above the form links to the field (its first input), to move the focus there.
    if field and field != "idempotency_key":
        assert f'href="#id_{field}' in reply.content.decode()
    # What the customer entered is kept.
    assert data["comment"] in reply.content.decode()
    if "q_C2" in data:
        assert b'name="q_C2" id="id_q_C2_3" value="4" checked' in reply.content
    assert refusals(RefusalReason.INVALID) == 1


def test_no_opinion_is_refused_where_the_question_does_not_allow_it(client, campaign, url):
    campaign.questionnaire.questions.filter(code="C5").update(allow_no_opinion=False)
    page = client.get(url)
    assert b'name="q_C5" id="id_q_C5_5" value="na"' not in page.content
    before = counts()
    reply = client.post(url, answers_post(campaign, q_C5="na"))
    assert reply.status_code == 200
    assert reply.context["form"].answer_errors["q_C5"]
    assert counts() == before


def test_contact_with_consent_is_stored_apart_from_the_answers(client, campaign, url):
    data = answers_post(
        campaign,
        comment="Xin liên hệ lại",
        contact_consent="on",
        contact_name="Công ty A",
        contact_phone="0905 123 456",
    )
    assert client.post(url, data).status_code == 302
    contact = ResponseContact.objects.get()
    assert (contact.name, contact.phone, contact.email) == ("Công ty A", "0905 123 456", "")
    assert "ý kiến" in contact.purpose.lower()
    assert contact.response == Response.objects.get()


def test_consent_alone_without_details_is_not_a_contact(client, campaign, url):
    data = answers_post(campaign)
    assert client.post(url, data).status_code == 302
    assert ResponseContact.objects.count() == 0


def test_honeypot_is_refused_and_counted(client, campaign, url):
    before = counts()
    reply = client.post(url, answers_post(campaign, website="http://spam.example"))
    assert reply.status_code == 400
    assert counts() == before
    assert refusals(RefusalReason.HONEYPOT) == 1


def test_rate_limit_refuses_and_counts_after_the_allowance(client, campaign, url, settings):
    settings.SURVEY_SUBMIT_RATE = "3/h"
    settings.RATELIMIT_SALT = "test-salt-rate"
    for _ in range(3):
        assert (
            client.post(url, answers_post(campaign), REMOTE_ADDR="203.0.113.7").status_code == 302
        )
    before = counts()
    reply = client.post(url, answers_post(campaign), REMOTE_ADDR="203.0.113.7")
    assert reply.status_code == 429
    assert counts() == before
    assert refusals(RefusalReason.RATE_LIMIT) == 1
    # Another address is not affected.
    assert client.post(url, answers_post(campaign), REMOTE_ADDR="203.0.113.8").status_code == 302


def test_closed_campaign_refuses_a_post_and_counts_it(client, campaign, url):
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    before = counts()
    reply = client.post(url, answers_post(campaign))
    assert reply.status_code == 410
    assert counts() == before
    assert refusals(RefusalReason.CLOSED) == 1


def test_campaign_closing_between_form_and_submit_is_refused(client, campaign, url):
    key = page_key(client.get(url).content)
    campaign.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    campaign.opens_on = campaign.closes_on - datetime.timedelta(days=5)
    campaign.save()
    reply = client.post(url, answers_post(campaign, idempotency_key=key))
    assert reply.status_code == 410
    assert counts()[0] == 0


def test_foreign_invitation_token_is_refused(client, campaign, unit):
    before = counts()
    reply = client.post(
        reverse("surveys:invitation_survey", args=["forged-token"]),
        answers_post(campaign, group=None),
    )
    assert reply.status_code == 404
    assert counts() == before
    assert refusals(RefusalReason.INVITATION) == 1


def test_nothing_identifying_is_stored(client, campaign, url):
    client.post(
        url,
        answers_post(campaign, comment="Tốt"),
        REMOTE_ADDR="198.51.100.23",
        HTTP_USER_AGENT="Mozilla/5.0 UniqueAgent/1.0",
    )
    response = Response.objects.get()
    stored = " ".join(str(getattr(response, f.attname)) for f in Response._meta.concrete_fields)
    assert "198.51.100.23" not in stored
    assert "UniqueAgent" not in stored


def test_invitation_double_click_shows_the_same_thanks(client, campaign, unit):
    invitation = factories.make_invitation(campaign, unit)
    url = reverse("surveys:invitation_survey", args=[invitation.token])
    data = answers_post(campaign, group=None)
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert counts()[0] == 1
    assert refusals(RefusalReason.REPLAY) == 1


def test_reload_after_the_campaign_closed_shows_the_same_thanks(client, campaign, url):
    data = answers_post(campaign)
    first = client.post(url, data)
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    again = client.post(url, data)
    assert again.status_code == 302 and again.url == first.url
    assert counts()[0] == 1


def test_customers_can_answer_while_the_rate_limit_cache_is_down(client, campaign, url, settings):
    # DESIGN.md: the submit path needs no cache; a dead Redis lets the answer through.
    settings.RATELIMIT_STORAGE_URI = "redis://127.0.0.1:1/0"
    reply = client.post(url, answers_post(campaign))
    assert reply.status_code == 302
    assert counts()[0] == 1


@pytest.mark.parametrize(
    "values",
    [[""], [" 3"], ["3 "], ["3.0"], ["03"], ["3", "3"], ["3", "4"], ["na", "4"]],
    ids=[
        "empty",
        "leading-space",
        "trailing-space",
        "float",
        "leading-zero",
        "twice",
        "two",
        "na+4",
    ],
)
def test_a_value_no_browser_sends_is_refused_beside_the_question(client, campaign, url, values):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update(answers_post(campaign, "4"))
    data.setlist("q_C1", values)
    before = counts()
    reply = client.post(url, data.urlencode(), content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 200
    form = reply.context["form"]
    assert list(form.answer_errors) == ["q_C1"]
    assert counts() == before
    assert refusals(RefusalReason.INVALID) == 1


def test_the_submit_limit_keeps_working_while_redis_is_down(client, campaign, url, settings):
    settings.RATELIMIT_STORAGE_URI = "redis://127.0.0.1:1/0"  # nothing listens: a real outage
    settings.SURVEY_SUBMIT_RATE = "2/h"
    codes = [client.post(url, answers_post(campaign)).status_code for _ in range(3)]
    assert codes[:2] == [302, 302] and codes[2] == 429
    assert counts()[0] == 2
