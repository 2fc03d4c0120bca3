"""Kiosk answers through HTTP: the per-device pace instead of the per-address limit, replays
stored once, rounds closed meanwhile refused and counted, the time to complete."""

from __future__ import annotations

import datetime

from django.test import Client

from kiosk.models import KioskAnswer
from surveys.models import CampaignStatus, Response
from surveys.tests.survey_posts import answers_post, refusals

from .helpers import enrolled_client, form_token, kiosk_post


def test_forty_kiosk_answers_in_a_row_are_stored_while_the_web_link_is_limited(
    campaign, unit, clock
):
    tablet, kiosk = enrolled_client(campaign, unit)
    for _ in range(40):
        reply, _data = kiosk_post(tablet, campaign, token=form_token(tablet))
        assert reply.status_code == 200, reply.content
        clock.shift(datetime.timedelta(seconds=21))  # a customer every 21 s at the counter
    assert Response.objects.filter(channel="kiosk").count() == 40
    assert KioskAnswer.objects.filter(kiosk=kiosk).count() == 40

    # The same address (127.0.0.1) on the web link: limited as today (30 an hour).
    browser = Client()
    statuses = [
        browser.post("/s/dot-kiosk/KSC/", answers_post(campaign)).status_code for _ in range(40)
    ]
    assert statuses.count(302) == 30 and statuses.count(429) == 10
    assert Response.objects.filter(channel="web").count() == 30
    assert refusals("rate_limit") == 10


def test_a_burst_from_one_kiosk_is_paced_and_not_lost(campaign, unit, clock, settings):
    settings.KIOSK_ANSWER_INTERVAL_SECONDS = 20
    settings.KIOSK_ANSWER_BURST = 3
    tablet, _kiosk = enrolled_client(campaign, unit)
    replies = [kiosk_post(tablet, campaign) for _ in range(5)]
    assert [r.status_code for r, _ in replies] == [200, 200, 200, 429, 429]
    assert int(replies[3][0]["Retry-After"]) >= 1
    assert replies[3][0].json()["reason"] == "pace"
    # The page keeps the refused ones and sends them again later: then stored.
    clock.shift(datetime.timedelta(seconds=41))
    for _reply, data in replies[3:]:
        again = tablet.post("/kiosk/answer/", data, HTTP_X_KBNN_KIOSK="1")
        assert again.status_code == 200
    assert Response.objects.filter(channel="kiosk").count() == 5
    # Another kiosk of the same branch (same address) has its own allowance.
    other, _ = enrolled_client(campaign, unit, label="Quầy 2")
    assert kiosk_post(other, campaign)[0].status_code == 200


def test_an_answer_sent_twice_is_stored_once(campaign, unit):
    tablet, _kiosk = enrolled_client(campaign, unit)
    first, data = kiosk_post(tablet, campaign, comment="Cần thêm ghế chờ")
    again = tablet.post("/kiosk/answer/", data, HTTP_X_KBNN_KIOSK="1")
    assert first.status_code == again.status_code == 200
    code = first.json()["tracking_code"]
    assert code and again.json()["tracking_code"] == code
    assert Response.objects.filter(idempotency_key=data["idempotency_key"]).count() == 1
    assert KioskAnswer.objects.count() == 1
    assert refusals("replay") == 1


def test_an_answer_kept_until_the_round_closed_is_refused_and_counted(campaign, unit):
    tablet, _kiosk = enrolled_client(campaign, unit)
    stored, kept_data = kiosk_post(tablet, campaign)
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    late, _late_data = kiosk_post(tablet, campaign)
    assert late.status_code == 410
    assert late.json()["reason"] == "closed" and late.json()["message"]
    assert refusals("kiosk_closed") == 1
    # An answer stored before the closing and sent again is still the same answer.
    assert tablet.post("/kiosk/answer/", kept_data, HTTP_X_KBNN_KIOSK="1").status_code == 200
    assert Response.objects.count() == 1


def test_time_to_complete_is_measured_by_the_server_and_stored_in_seconds(campaign, unit, clock):
    tablet, _kiosk = enrolled_client(campaign, unit)
    token = form_token(tablet)
    clock.shift(datetime.timedelta(seconds=47.4))
    reply, data = kiosk_post(tablet, campaign, token=token)
    assert reply.status_code == 200
    response = Response.objects.get(idempotency_key=data["idempotency_key"])
    assert 47 <= response.duration_seconds <= 49
    assert reply.json()["next"]  # the next blank form's token
    # A forged or missing token: not measured, still stored.
    kiosk_post(tablet, campaign, token=token[:-3] + "abc")
    kiosk_post(tablet, campaign)
    assert Response.objects.filter(duration_seconds__isnull=True).count() == 2


def test_invalid_answers_are_refused_with_their_messages(campaign, unit):
    tablet, _kiosk = enrolled_client(campaign, unit)
    reply, _data = kiosk_post(tablet, campaign, q_C1="7")
    assert reply.status_code == 400 and "C1" in reply.json()["errors"]
    assert not Response.objects.exists()


def test_answers_need_the_kiosk_header_and_a_credential(campaign, unit):
    tablet, _kiosk = enrolled_client(campaign, unit)
    assert tablet.post("/kiosk/answer/", answers_post(campaign)).status_code == 400
    reply = Client().post("/kiosk/answer/", answers_post(campaign), HTTP_X_KBNN_KIOSK="1")
    assert reply.status_code == 403
    assert not Response.objects.exists()


def test_service_worker_is_served_in_the_kiosk_scope(campaign, unit):
    tablet, _kiosk = enrolled_client(campaign, unit)
    worker = tablet.get("/kiosk/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    assert '"/kiosk/"' in body and "/static/kiosk/kiosk.js" in body
    assert "skipWaiting" in body and "install" in body
