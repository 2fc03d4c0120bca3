"""Speeders and kiosk bursts, as Signals like the dashboard's; the kiosk channel reported in the
workbook's `Theo kênh` and on the dashboard like every other channel."""

from __future__ import annotations

import datetime

import openpyxl
from django.core.management import call_command

from dashboard.stuffing import signals_compute
from kiosk.quality import (
    KIOSK_BURST,
    SPEEDER,
    campaign_median_duration,
    kiosk_burst_signals,
    quality_signals,
    speeder_signals,
)
from surveys.models import Channel, Form, Quota, Response
from surveys.tests import factories

from .helpers import enrolled_client, kiosk_post


def test_speeders_are_forms_far_faster_than_the_campaign_median(campaign, unit):
    for seconds in range(80, 100):
        factories.make_response(campaign, unit, duration_seconds=seconds)
    assert speeder_signals(campaign=campaign) == []  # nobody fast
    fast = [
        factories.make_response(campaign, unit, channel=Channel.KIOSK, duration_seconds=s)
        for s in (8, 12, 30)
    ]
    factories.make_response(campaign, unit)  # not timed: left out
    n, median = campaign_median_duration(campaign=campaign)
    assert (n, median) == (23, 88)
    [signal] = speeder_signals(campaign=campaign)
    assert (signal.kind, signal.unit_id, signal.day) == (SPEEDER, unit.pk, fast[0].answered_on)
    assert signal.response_ids == {r.pk for r in fast}
    assert "8 s" in signal.detail and "88 s" in signal.detail


def test_too_few_timed_forms_give_no_speeders(campaign, unit):
    for seconds in (90, 90, 5):
        factories.make_response(campaign, unit, duration_seconds=seconds)
    assert speeder_signals(campaign=campaign) == []


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
    assert "Máy tính bảng tại quầy (kiosk)" in page
