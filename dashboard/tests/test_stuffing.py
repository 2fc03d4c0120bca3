from __future__ import annotations

import datetime
import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard.models import SignalCheck, SignalKind, StuffingSignal
from dashboard.stuffing import (
    BURST_MIN,
    _Detector,
    burst_threshold,
    signals_compute,
    signals_refresh,
)
from surveys.models import Channel, Response
from surveys.tests import factories

_varied = itertools.cycle([(4, 3), (5, 4), (3, 5), (4, 4), (2, 3), (5, 3), (4, 2)])


def varied(campaign):
    c1, c2 = next(_varied)
    return factories.all_answers(campaign, 4, C1=c1, C2=c2, C3=next(_varied)[0])


def _by_kind(signals):
    out = {}
    for s in signals:
        out.setdefault(s.kind, []).append(s)
    return out


def test_each_signal_finds_its_responses_and_nothing_else(db):
    a, b, c = (factories.make_unit(code) for code in ("SA", "SB", "SC"))
    campaign = factories.make_campaign([a, b, c])
    # One working morning, fixed in local time (a start "5 hours ago" fell on the previous day
    # before 05:00 and split the per-day signals).
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(8, 0)))
    # Unit A: 6 QR responses within 10 minutes (a burst), varied answers.
    burst = [
        factories.make_response(
            campaign,
            a,
            channel=Channel.QR,
            answers=varied(campaign),
            now=start + datetime.timedelta(minutes=2 * i),
        )
        for i in range(6)
    ]
    # Unit B: QR responses half an hour apart: no burst.
    for i in range(6):
        factories.make_response(
            campaign,
            b,
            channel=Channel.QR,
            answers=varied(campaign),
            now=start + datetime.timedelta(minutes=30 * i),
        )
    # Unit C: 12 forms all 5 in a row: a run of identical vectors AND an all-5 share far above
    # the norm (the other units have none).
    coached = [
        factories.make_response(
            campaign, c, score=5, now=start + datetime.timedelta(hours=1, minutes=3 * i)
        )
        for i in range(12)
    ]
    # Filler with varied answers so the campaign norm of all-5 forms is low.
    for i in range(20):
        factories.make_response(
            campaign, b, answers=varied(campaign), now=start + datetime.timedelta(minutes=7 * i + 1)
        )
    # Unit A: a paper form keyed by A's own manager; one keyed by the survey team (no signal).
    manager = factories.unit_manager(a, "quanly.sa")
    team = factories.survey_team()
    own = factories.make_response(
        campaign, a, channel=Channel.PAPER, keyed_by=manager, batch="L1", answers=varied(campaign)
    )
    factories.make_response(
        campaign, a, channel=Channel.PAPER, keyed_by=team, batch="L1", answers=varied(campaign)
    )

    with CaptureQueriesContext(connection) as queries:
        kinds = _by_kind(signals_compute(campaign=campaign))
    # QR per day, the vectors, own staff, speeders and kiosk bursts: no query per response.
    assert len(queries) <= 8
    assert {s.unit_id for s in kinds[SignalKind.QR_BURST]} == {a.pk}
    assert set().union(*(s.response_ids for s in kinds[SignalKind.QR_BURST])) == {
        r.pk for r in burst
    }
    assert {s.unit_id for s in kinds[SignalKind.SAME_VECTOR]} == {c.pk}
    assert set().union(*(s.response_ids for s in kinds[SignalKind.SAME_VECTOR])) == {
        r.pk for r in coached
    }
    assert [(s.unit_id, s.response_ids) for s in kinds[SignalKind.ALL_FIVE]] == [
        (c.pk, {r.pk for r in coached})
    ]
    assert [(s.unit_id, s.response_ids) for s in kinds[SignalKind.OWN_STAFF]] == [(a.pk, {own.pk})]


def test_refresh_stores_signals_with_their_responses_and_never_drops_any(db):
    unit = factories.make_unit("SD")
    campaign = factories.make_campaign([unit])
    for _ in range(6):
        factories.make_response(campaign, unit, score=5)
    before = Response.objects.count()
    assert signals_refresh(campaign=campaign) == 1
    stored = StuffingSignal.objects.get()
    assert stored.kind == SignalKind.SAME_VECTOR and stored.response_count == 6
    assert stored.responses.count() == 6
    assert Response.objects.count() == before
    # A refresh replaces the stored signals and records what it looked at.
    factories.make_response(campaign, unit, score=5)
    signals_refresh(campaign=campaign)
    assert StuffingSignal.objects.get().response_count == 7
    check = SignalCheck.objects.get(campaign=campaign)
    assert (check.responses, check.last_response_id) == (7, Response.objects.latest("pk").pk)


def test_a_busy_counter_is_not_a_burst_but_a_spike_on_it_is():
    """300 QR answers spread over a day (about 6 every 10 minutes) are a busy counter's flow."""
    day = datetime.date(2026, 3, 2)
    start = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)
    threshold = burst_threshold(330)
    assert threshold > BURST_MIN
    detector = _Detector({(1, day): 330})
    for i in range(300):
        when = start + datetime.timedelta(seconds=96 * i)  # 300 over 8 hours
        detector.feed(i, 1, day, Channel.QR, when, (4, i % 5))
    assert not [s for s in detector.finish() if s.kind == SignalKind.QR_BURST]
    detector = _Detector({(1, day): 330})
    for i in range(300):
        detector.feed(i, 1, day, Channel.QR, start + datetime.timedelta(seconds=96 * i), (4, i % 5))
    spike = start + datetime.timedelta(hours=9)
    for i in range(30):  # 30 answers in 5 minutes on top
        detector.feed(
            1000 + i, 1, day, Channel.QR, spike + datetime.timedelta(seconds=10 * i), (3, i % 5)
        )
    bursts = [s for s in detector.finish() if s.kind == SignalKind.QR_BURST]
    assert len(bursts) == 1 and bursts[0].response_ids >= {1000 + i for i in range(30)}
