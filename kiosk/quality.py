"""Quality signals of issue 16, as the dashboard's stuffing detection computes them: functions
of a campaign returning `Signal`s (one per unit and day, with the responses concerned). Like the
others they mark and never drop.

- Speeders: forms finished in less than SPEEDER_FRACTION of the campaign's median time to
  complete (the server's measure, `Response.duration_seconds`; channels that do not measure it
  are left out), once at least SPEEDER_MIN_TIMED forms are timed.
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

from django.db.models import Count
from django.utils.translation import gettext as _

from dashboard.models import SignalKind
from dashboard.stuffing import BURST_FACTOR, BURST_MIN, BURST_MINUTES, SERVICE_MINUTES, Signal
from surveys.models import Campaign, Form, Quota, Response

from .models import KioskAnswer

SPEEDER = SignalKind.SPEEDER
KIOSK_BURST = SignalKind.KIOSK_BURST
SPEEDER_FRACTION = 0.4
SPEEDER_MIN_TIMED = 20
CHUNK = 5000


def campaign_median_duration(*, campaign: Campaign) -> tuple[int, float | None]:
    """(timed forms, median seconds) of the campaign, read in the database (count, then the
    one or two middle values by offset: no response is loaded)."""
    timed = Response.objects.filter(campaign=campaign, duration_seconds__isnull=False)
    n = timed.count()
    if not n:
        return 0, None
    ordered = timed.order_by("duration_seconds").values_list("duration_seconds", flat=True)
    middle = list(ordered[(n - 1) // 2 : n // 2 + 1])
    return n, sum(middle) / len(middle)


def speeder_signals(*, campaign: Campaign) -> list[Signal]:
    n, median = campaign_median_duration(campaign=campaign)
    if n < SPEEDER_MIN_TIMED or not median:
        return []
    limit = median * SPEEDER_FRACTION
    rows = (
        Response.objects.filter(campaign=campaign, duration_seconds__lt=limit)
        .values_list("pk", "unit_id", "answered_on", "duration_seconds")
        .order_by()
    )
    signals: dict[tuple[int, datetime.date], Signal] = {}
    fastest: dict[tuple[int, datetime.date], int] = {}
    for pk, unit_id, day, seconds in rows.iterator(chunk_size=CHUNK):
        signal = signals.setdefault((unit_id, day), Signal(unit_id, day, SPEEDER))
        signal.response_ids.add(pk)
        fastest[(unit_id, day)] = min(fastest.get((unit_id, day), seconds), seconds)
    for key, signal in signals.items():
        signal.measure = len(signal.response_ids)
        signal.detail = _(
            "%(n)d forms finished in under %(limit)d s (fastest %(fastest)d s; campaign median "
            "%(median)d s)."
        ) % {
            "n": len(signal.response_ids),
            "limit": math.ceil(limit),
            "fastest": fastest[key],
            "median": round(median),
        }
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
