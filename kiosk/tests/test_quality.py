"""Speeders and kiosk bursts, as Signals like the dashboard's; the kiosk channel reported in the
workbook's `Theo kênh` and on the dashboard like every other channel."""

from __future__ import annotations

import datetime
import json
import re
import statistics

import openpyxl
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.stuffing import signals_compute
from kiosk.quality import (
    KIOSK_BURST,
    SPEEDER,
    campaign_median_durations,
    kiosk_burst_signals,
    quality_signals,
    speeder_signals,
)
from surveys.models import Channel, Form, Quota, Response
from surveys.tests import factories
from surveys.tests.survey_posts import answers_post

from .helpers import enrolled_client, kiosk_post


def test_speeders_are_forms_far_faster_than_their_channels_median(campaign, unit):
    for seconds in range(80, 100):
        factories.make_response(campaign, unit, duration_seconds=seconds)  # web
        factories.make_response(
            campaign, unit, channel=Channel.KIOSK, duration_seconds=seconds - 60
        )  # the counter's tablet is quicker: 20..39 s
    assert speeder_signals(campaign=campaign) == []  # nobody fast for their channel
    fast_web = [factories.make_response(campaign, unit, duration_seconds=s) for s in (8, 30)]
    # 12 s on the kiosk is under 0.4 of its median (29 s); 30 s on the web is under 0.4 of 89.
    fast_kiosk = factories.make_response(campaign, unit, channel=Channel.KIOSK, duration_seconds=11)
    factories.make_response(campaign, unit, channel=Channel.KIOSK, duration_seconds=15)  # 0.5
    factories.make_response(campaign, unit)  # not timed: left out
    medians = campaign_median_durations(campaign=campaign)
    assert medians == {Channel.WEB: (22, 88.5), Channel.KIOSK: (22, 28.5)}
    with translation.override("vi"):  # the details are written in the survey team's language
        [signal] = speeder_signals(campaign=campaign)
    assert (signal.kind, signal.unit_id, signal.day) == (SPEEDER, unit.pk, fast_kiosk.answered_on)
    assert signal.response_ids == {r.pk for r in [*fast_web, fast_kiosk]}
    assert signal.measure == 3
    assert "nhanh nhất 8 giây" in signal.detail and "trung vị 88 giây" in signal.detail
    assert "nhanh nhất 11 giây" in signal.detail and "trung vị 28 giây" in signal.detail


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from([Channel.WEB, Channel.QR, Channel.KIOSK]), st.integers(0, 900)),
        max_size=15,
    )
)
def test_medians_per_channel_equal_a_recomputation_from_the_raw_durations(campaign, unit, timed):
    Response.objects.all().delete()
    for channel, seconds in timed:
        factories.make_response(campaign, unit, channel=channel, duration_seconds=seconds)
    factories.make_response(campaign, unit, channel=Channel.PAPER)  # never timed
    expected = {}
    for channel in {c for c, _s in timed}:
        values = [s for c, s in timed if c == channel]
        expected[channel] = (len(values), statistics.median(values))
    assert campaign_median_durations(campaign=campaign) == expected


def test_a_burst_from_one_kiosk_is_a_signal_with_its_responses(campaign, unit, clock):
    tablet, _kiosk = enrolled_client(campaign, unit)
    for _ in range(10):
        assert kiosk_post(tablet, campaign)[0].status_code == 200
    # Another kiosk at the counter's pace: one answer every 3 minutes for an hour.
    steady, _ = enrolled_client(campaign, unit, label="Quầy 2")
    for _ in range(20):
        clock.shift(datetime.timedelta(minutes=3))
        assert kiosk_post(steady, campaign)[0].status_code == 200
    [signal] = kiosk_burst_signals(campaign=campaign)
    burst = set(Response.objects.filter(kiosk_link__kiosk__label="").values_list("pk", flat=True))
    assert signal.kind == KIOSK_BURST and signal.response_ids == burst
    assert signal.measure == 10 and "10" in signal.detail
    # Never dropped: every answer is stored and counted.
    assert Response.objects.filter(channel=Channel.KIOSK).count() == 30
    # The same signals join the dashboard's (the merge hook).
    combined = signals_compute(campaign=campaign) + quality_signals(campaign=campaign)
    assert KIOSK_BURST in {s.kind for s in combined}


def test_a_counter_with_many_transactions_explains_more_answers(campaign, unit):
    tablet, _kiosk = enrolled_client(campaign, unit)
    for _ in range(10):
        kiosk_post(tablet, campaign)
    # 21 days, 300,000 transactions: about 300 in ten minutes at this counter.
    Quota.objects.create(
        campaign=campaign, unit=unit, form=Form.ONLINE, minimum=10, transaction_volume=300_000
    )
    assert kiosk_burst_signals(campaign=campaign) == []


def test_kiosk_channel_is_reported_in_the_workbook_and_on_the_dashboard(
    campaign, unit, tmp_path, admin_client
):
    tablet, _kiosk = enrolled_client(campaign, unit)
    for _ in range(3):
        kiosk_post(tablet, campaign)
    factories.make_response(campaign, unit)
    path = tmp_path / "report.xlsx"
    call_command("compile_report", campaign=campaign.slug, out=str(path), no_progress=True)
    rows = list(openpyxl.load_workbook(path)["Theo kênh"].iter_rows(values_only=True))
    header, body = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    kiosk_row = next(r for r in body if r["Kênh"] == "Máy tính bảng tại quầy (kiosk)")
    assert kiosk_row["Hình thức"] == "Trực tuyến" and kiosk_row["Số phiếu"] == 3, header
    page = admin_client.get(f"/dashboard/?campaign={campaign.slug}").content.decode()
    # The channel table: the kiosk's row with its 3 responses beside the web's 1.
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="text-end">(\d+)</td>', page)
    assert ("Máy tính bảng tại quầy (kiosk)", "3") in rows
    assert ("Đường dẫn trên trang thông tin", "1") in rows
    # And in the chart's data.
    charts = re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', page)
    assert "Máy tính bảng tại quầy (kiosk)" in json.dumps(
        json.loads(charts.group(1)), ensure_ascii=False
    )


def test_web_speeders_timed_by_the_server_appear_on_the_dashboard_with_their_responses(
    campaign, unit, clock, admin_client
):
    """Through the survey pages themselves: the render time signed into each page, the
    seconds stored; two forms sent within 5 s of their page are flagged, none dropped."""
    from dashboard.stuffing import signals_refresh
    from surveys.ratelimiting import rate_limits_reset
    from surveys.tests.survey_posts import page_key

    customer = Client()
    path = f"/s/{campaign.slug}/{unit.code}/"

    def fill(seconds: int) -> str:
        rate_limits_reset()
        page = customer.get(path).content
        clock.shift(datetime.timedelta(seconds=seconds))
        rendered = re.search(rb'name="t" value="([^"]+)"', page).group(1).decode()
        data = answers_post(campaign, idempotency_key=page_key(page), t=rendered)
        assert customer.post(path, data).status_code == 302
        return data["idempotency_key"]

    for seconds in range(80, 100):
        fill(seconds)
    fast = {fill(4), fill(6)}
    with translation.override("vi"):  # as the nightly job writes them
        signals_refresh(campaign=campaign)
    flagged = Response.objects.filter(idempotency_key__in=fast)
    assert sorted(flagged.values_list("duration_seconds", flat=True)) == [4, 6]
    assert Response.objects.count() == 22  # marked, never dropped
    page = admin_client.get(f"/dashboard/?campaign={campaign.slug}").content.decode()
    table = page[page.index('id="table-signals"') :]
    assert "nhanh nhất 4 giây" in table and "trung vị" in table
    for pk in flagged.values_list("pk", flat=True):
        assert f"#{pk}</a>" in table
