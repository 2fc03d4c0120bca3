"""Quality signals of issue 16, as the dashboard's stuffing detection computes them: functions
of a campaign returning `Signal`s (one per unit and day, with the responses concerned). Like the
others they mark and never drop.

- Speeders: forms finished in less than SPEEDER_FRACTION of the campaign's median time to
  complete on their channel (the server's measure, `Response.duration_seconds`, on the web
  link, QR code, invitations and kiosks; paper is never timed), once at least
  SPEEDER_MIN_TIMED forms of that channel are timed.
- Kiosk bursts: many answers from one enrolled device within BURST_MINUTES: at least BURST_MIN,
  and BURST_FACTOR times more than either that day's answers on the device or the unit's
  transactions (its online quota's transaction volume over the round) would give in such a
  window if spread over a working day.

The dashboard calls them from its `signals_compute` (see the hook in the lead's merge note);
`SPEEDER` and `KIOSK_BURST` are the `SignalKind` values they use.
"""

from __future__ import annotations

import datetime
import math
from collections import deque

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from dashboard.models import SignalKind
from dashboard.stuffing import BURST_FACTOR, BURST_MIN, BURST_MINUTES, SERVICE_MINUTES, Signal
from surveys.models import Campaign, Channel, Form, Quota, Response

from .models import KioskAnswer

SPEEDER = SignalKind.SPEEDER
KIOSK_BURST = SignalKind.KIOSK_BURST
SPEEDER_FRACTION = 0.4
SPEEDER_MIN_TIMED = 20
CHUNK = 5000


def campaign_median_durations(*, campaign: Campaign) -> dict[str, tuple[int, float]]:
    """Channel -> (timed forms, median seconds) of the campaign, in one query: the database
    numbers each channel's timed forms in order and returns only the one or two middle ones
    (window functions, PostgreSQL and SQLite alike): no response is loaded."""
    rows = (
        Response.objects.filter(campaign=campaign, duration_seconds__isnull=False)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("channel")],
                order_by=[F("duration_seconds").asc(), F("pk").asc()],
            ),
            timed=Window(Count("pk"), partition_by=[F("channel")]),
        )
        .filter(position__gte=(F("timed") + 1) / 2, position__lte=F("timed") / 2 + 1)
        .values_list("channel", "timed", "duration_seconds")
    )
    middles: dict[str, tuple[int, list[int]]] = {}
    for channel, timed, seconds in rows:
        middles.setdefault(channel, (timed, []))[1].append(seconds)
    return {channel: (n, sum(mid) / len(mid)) for channel, (n, mid) in middles.items()}


def speeder_signals(*, campaign: Campaign) -> list[Signal]:
    """One signal per unit and day with the forms finished in less than SPEEDER_FRACTION of
    their channel's median (a kiosk is not compared with a phone): marked, never dropped."""
    limits = {
        channel: (median * SPEEDER_FRACTION, median)
        for channel, (n, median) in campaign_median_durations(campaign=campaign).items()
        if n >= SPEEDER_MIN_TIMED and median
    }
    if not limits:
        return []
    fast = Q()
    for channel, (limit, _median) in limits.items():
        fast |= Q(channel=channel, duration_seconds__lt=limit)
    rows = (
        Response.objects.filter(fast, campaign=campaign)
        .values_list("pk", "unit_id", "answered_on", "channel", "duration_seconds")
        .order_by()
    )
    signals: dict[tuple[int, datetime.date], Signal] = {}
    # (unit, day) -> channel -> [forms, fastest]
    found: dict[tuple[int, datetime.date], dict[str, list[int]]] = {}
    for pk, unit_id, day, channel, seconds in rows.iterator(chunk_size=CHUNK):
        signal = signals.setdefault((unit_id, day), Signal(unit_id, day, SPEEDER))
        signal.response_ids.add(pk)
        tally = found.setdefault((unit_id, day), {}).setdefault(channel, [0, seconds])
        tally[0] += 1
        tally[1] = min(tally[1], seconds)
    for key, signal in signals.items():
        signal.measure = len(signal.response_ids)
        signal.detail = " ".join(
            _(
                "%(channel)s: %(n)d forms in under %(limit)d s (fastest %(fastest)d s; "
                "median %(median)d s)."
            )
            % {
                "channel": Channel(channel).label,
                "n": n,
                "limit": math.ceil(limits[channel][0]),
                "fastest": fastest,
                "median": round(limits[channel][1]),
            }
            for channel, (n, fastest) in sorted(found[key].items())
        )
    return list(signals.values())


def _transactions_per_window(campaign: Campaign) -> dict[int, float]:
    """Unit id -> transactions a counter handles in BURST_MINUTES, where the volume is known."""
    days = (campaign.closes_on - campaign.opens_on).days + 1
    rows = Quota.objects.filter(
        campaign=campaign, form=Form.ONLINE, transaction_volume__isnull=False
    ).values_list("unit_id", "transaction_volume")
    return {unit_id: volume / days * BURST_MINUTES / SERVICE_MINUTES for unit_id, volume in rows}


def kiosk_burst_threshold(answers_that_day: int, transactions_in_window: float = 0.0) -> int:
    expected = max(answers_that_day * BURST_MINUTES / SERVICE_MINUTES, transactions_in_window)
    return max(BURST_MIN, math.ceil(BURST_FACTOR * expected))


def kiosk_burst_signals(*, campaign: Campaign) -> list[Signal]:
    links = KioskAnswer.objects.filter(response__campaign=campaign)
    per_day = {
        (kiosk_id, day): n
        for kiosk_id, day, n in links.values_list("kiosk_id", "response__answered_on")
        .annotate(n=Count("pk"))
        .order_by()
    }
    if not per_day:
        return []
    transactions = _transactions_per_window(campaign)
    rows = links.values_list(
        "kiosk_id",
        "response_id",
        "response__unit_id",
        "response__answered_on",
        "response__submitted_at",
    ).order_by("kiosk_id", "response__submitted_at", "response_id")
    signals: dict[tuple[int, datetime.date], Signal] = {}
    window: deque = deque()
    current = None
    span = datetime.timedelta(minutes=BURST_MINUTES)
    for kiosk_id, pk, unit_id, day, submitted_at in rows.iterator(chunk_size=CHUNK):
        if kiosk_id != current:
            current, window = kiosk_id, deque()
        window.append((submitted_at, pk, day))
        while window[0][0] < submitted_at - span:
            window.popleft()
        threshold = kiosk_burst_threshold(per_day[(kiosk_id, day)], transactions.get(unit_id, 0))
        if len(window) >= threshold:
            for _when, burst_pk, burst_day in window:
                signal = signals.setdefault(
                    (unit_id, burst_day), Signal(unit_id, burst_day, KIOSK_BURST)
                )
                signal.response_ids.add(burst_pk)
                signal.measure = max(signal.measure, len(window))
    for signal in signals.values():
        signal.detail = _("Up to %(n)d answers from one kiosk within %(minutes)d minutes.") % {
            "n": signal.measure,
            "minutes": BURST_MINUTES,
        }
    return list(signals.values())


def quality_signals(*, campaign: Campaign) -> list[Signal]:
    """Both, for the dashboard's signals_compute."""
    return speeder_signals(campaign=campaign) + kiosk_burst_signals(campaign=campaign)
