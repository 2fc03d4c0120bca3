"""Signs of stuffed or coached answers, per unit and day. Nothing is ever dropped: each signal
lists the responses concerned so the survey team can look at them and decide.

- QR burst: many responses from one unit's counter QR code within BURST_MINUTES: at least
  BURST_MIN, and BURST_FACTOR times what that day's QR responses would give in such a window if
  spread over a working day (so a busy counter's normal flow is not flagged).
- Identical vectors: RUN_MIN or more consecutive responses (in submit order, per unit) with the
  same answer to every question, no-opinion included.
- All-5 share: the day's share of forms answered 5 everywhere is far above the campaign's norm
  (at least ALL_FIVE_MARGIN points higher and ALL_FIVE_Z standard errors above it).
- Own staff: paper forms keyed by a user whose StaffProfile is the rated unit.

Computing them reads every answer (one GROUP BY per response), so it runs in the background
(Celery, nightly and on request) and the dashboard shows the stored result.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Max, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Campaign, Channel, Response

from .models import SignalCheck, SignalKind, StuffingSignal

BURST_MIN = 6
BURST_MINUTES = 10
BURST_FACTOR = 4
SERVICE_MINUTES = 8 * 60  # a counter's working day
RUN_MIN = 5
ALL_FIVE_MIN_RESPONSES = 10
ALL_FIVE_MARGIN = 0.25
ALL_FIVE_Z = 3.0
CHUNK = 5000


@dataclass
class Signal:
    unit_id: int
    day: datetime.date
    kind: str
    measure: float = 0.0
    detail: str = ""
    response_ids: set[int] = field(default_factory=set)


def _vectors(campaign: Campaign) -> Iterator[tuple]:
    """(pk, unit_id, answered_on, channel, submitted_at, vector) per response, by unit and time.

    The vector is built with one conditional MAX per question, which both PostgreSQL and SQLite
    run as one GROUP BY; 0 stands for "no opinion".
    """
    question_ids = list(
        campaign.questionnaire.questions.order_by("sort_order", "pk").values_list("pk", flat=True)
    )
    columns = {
        f"q{qid}": Max(
            Case(
                When(answers__question_id=qid, then=Coalesce("answers__score", Value(0))),
                output_field=IntegerField(),
            )
        )
        for qid in question_ids
    }
    rows = (
        Response.objects.filter(campaign=campaign)
        .values("pk")
        .annotate(**columns)
        .values_list("pk", "unit_id", "answered_on", "channel", "submitted_at", *columns)
        .order_by("unit_id", "submitted_at", "pk")
    )
    for pk, unit_id, day, channel, submitted_at, *scores in rows.iterator(chunk_size=CHUNK):
        yield pk, unit_id, day, channel, submitted_at, tuple(scores)


def burst_threshold(qr_responses_that_day: int) -> int:
    expected = qr_responses_that_day * BURST_MINUTES / SERVICE_MINUTES
    return max(BURST_MIN, math.ceil(BURST_FACTOR * expected))


def _qr_per_day(campaign: Campaign) -> dict[tuple[int, datetime.date], int]:
    rows = (
        Response.objects.filter(campaign=campaign, channel=Channel.QR)
        .values_list("unit_id", "answered_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(unit_id, day): n for unit_id, day, n in rows}


class _Detector:
    """One pass over the responses of a campaign, unit by unit in submit order."""

    def __init__(self, qr_per_day: dict[tuple[int, datetime.date], int] | None = None):
        self.qr_per_day = qr_per_day or {}
        self.signals: dict[tuple[int, datetime.date, str], Signal] = {}
        self.all_five: dict[tuple[int, datetime.date], list[int]] = defaultdict(list)
        self.per_day: dict[tuple[int, datetime.date], int] = defaultdict(int)
        self.total = 0
        self.unit_id = None
        self.window: deque = deque()
        self.run: list[int] = []
        self.run_vector: tuple | None = None
        self.run_days: list[datetime.date] = []

    def _signal(self, unit_id, day, kind) -> Signal:
        key = (unit_id, day, kind)
        if key not in self.signals:
            self.signals[key] = Signal(unit_id, day, kind)
        return self.signals[key]

    def feed(self, pk, unit_id, day, channel, submitted_at, vector) -> None:
        if unit_id != self.unit_id:
            self._close_run()
            self.unit_id, self.window = unit_id, deque()
        self.total += 1
        self.per_day[(unit_id, day)] += 1
        if vector and all(score == 5 for score in vector):
            self.all_five[(unit_id, day)].append(pk)
        if channel == Channel.QR:
            self._burst(pk, unit_id, day, submitted_at)
        if vector == self.run_vector:
            self.run.append(pk)
            self.run_days.append(day)
        else:
            self._close_run()
            self.run, self.run_vector, self.run_days = [pk], vector, [day]

    def _burst(self, pk, unit_id, day, submitted_at) -> None:
        self.window.append((submitted_at, pk, day))
        limit = submitted_at - datetime.timedelta(minutes=BURST_MINUTES)
        while self.window[0][0] < limit:
            self.window.popleft()
        if len(self.window) >= burst_threshold(self.qr_per_day.get((unit_id, day), 0)):
            for _when, burst_pk, burst_day in self.window:
                signal = self._signal(unit_id, burst_day, SignalKind.QR_BURST)
                signal.response_ids.add(burst_pk)
                signal.measure = max(signal.measure, len(self.window))

    def _close_run(self) -> None:
        if len(self.run) >= RUN_MIN:
            for pk, day in zip(self.run, self.run_days, strict=True):
                signal = self._signal(self.unit_id, day, SignalKind.SAME_VECTOR)
                signal.response_ids.add(pk)
                signal.measure = max(signal.measure, len(self.run))
        self.run, self.run_vector, self.run_days = [], None, []

    def finish(self) -> list[Signal]:
        self._close_run()
        for signal in self.signals.values():
            if signal.kind == SignalKind.QR_BURST:
                signal.detail = _("Up to %(n)d QR responses within %(minutes)d minutes.") % {
                    "n": signal.measure,
                    "minutes": BURST_MINUTES,
                }
            else:
                signal.detail = _("%(n)d consecutive responses with the same answers.") % {
                    "n": signal.measure
                }
        self._all_five_share()
        return list(self.signals.values())

    def _all_five_share(self) -> None:
        norm = sum(len(ids) for ids in self.all_five.values()) / self.total if self.total else 0
        for (unit_id, day), ids in self.all_five.items():
            n = self.per_day[(unit_id, day)]
            share = len(ids) / n
            if n < ALL_FIVE_MIN_RESPONSES or share < norm + ALL_FIVE_MARGIN:
                continue
            spread = math.sqrt(norm * (1 - norm) / n) if 0 < norm < 1 else 0
            if spread and (share - norm) / spread < ALL_FIVE_Z:
                continue
            signal = self._signal(unit_id, day, SignalKind.ALL_FIVE)
            signal.measure = share * 100
            signal.response_ids.update(ids)
            signal.detail = _(
                "%(k)d of %(n)d forms all 5 (%(share).0f%%; campaign norm %(norm).0f%%)."
            ) % {"k": len(ids), "n": n, "share": share * 100, "norm": norm * 100}


def _own_staff(campaign: Campaign) -> list[Signal]:
    rows = (
        Response.objects.filter(
            campaign=campaign,
            channel=Channel.PAPER,
            keyed_by__staff_profile__unit_id=F("unit_id"),
        )
        .values_list("pk", "unit_id", "answered_on")
        .order_by()
    )
    signals: dict[tuple[int, datetime.date], Signal] = {}
    for pk, unit_id, day in rows.iterator(chunk_size=CHUNK):
        signal = signals.setdefault((unit_id, day), Signal(unit_id, day, SignalKind.OWN_STAFF))
        signal.response_ids.add(pk)
    for signal in signals.values():
        signal.measure = len(signal.response_ids)
        signal.detail = _("%(n)d paper forms keyed by staff of this unit.") % {
            "n": len(signal.response_ids)
        }
    return list(signals.values())


def signals_compute(*, campaign: Campaign) -> list[Signal]:
    """Every signal of the campaign, computed now from the raw answers (nothing is written)."""
    detector = _Detector(_qr_per_day(campaign))
    for row in _vectors(campaign):
        detector.feed(*row)
    # Speeders and kiosk bursts (kiosk/quality.py, which imports this module: hence here).
    from kiosk.quality import quality_signals

    signals = detector.finish() + _own_staff(campaign) + quality_signals(campaign=campaign)
    return sorted(signals, key=lambda s: (s.day, s.unit_id, s.kind))


def _fingerprint(campaign: Campaign) -> tuple[int, int | None]:
    agg = Response.objects.filter(campaign=campaign).aggregate(n=Count("pk"), last=Max("pk"))
    return agg["n"], agg["last"]


def signals_refresh(*, campaign: Campaign) -> int:
    """Recompute and store the campaign's signals (replacing the previous ones)."""
    responses, last = _fingerprint(campaign)
    signals = signals_compute(campaign=campaign)
    now = timezone.now()
    with transaction.atomic():
        StuffingSignal.objects.filter(campaign=campaign).delete()
        stored = StuffingSignal.objects.bulk_create(
            StuffingSignal(
                campaign=campaign,
                unit_id=s.unit_id,
                day=s.day,
                kind=s.kind,
                measure=s.measure,
                detail=s.detail[:300],
                response_count=len(s.response_ids),
                computed_at=now,
            )
            for s in signals
        )
        through = StuffingSignal.responses.through
        through.objects.bulk_create(
            (
                through(stuffingsignal_id=row.pk, response_id=pk)
                for row, signal in zip(stored, signals, strict=True)
                for pk in sorted(signal.response_ids)
            ),
            batch_size=CHUNK,
        )
        SignalCheck.objects.update_or_create(
            campaign=campaign,
            defaults={"computed_at": now, "responses": responses, "last_response_id": last},
        )
    return len(signals)
