"""What the dashboard shows, computed by the report's roll-ups over the (materialised) cube."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from followups.selectors import default_campaign_id
from reports.selectors import (
    AspectInfo,
    Layout,
    QuotaProgress,
    SliceMeasures,
    UnitMeasures,
    questionnaire_layout,
    quota_progress,
    report_units,
    rollup_by_channel,
    rollup_by_group,
    rollup_by_unit,
    rollup_total,
)
from surveys.models import Campaign, CampaignStatus, Channel, RespondentGroup, Response, Unit
from surveys.stats import LevelCounts

from . import cube as counts
from .models import SignalCheck, StuffingSignal

TREND_CAMPAIGNS = 12
SIGNAL_RESPONSES_SHOWN = 50


def campaigns_for_picker():
    return Campaign.objects.exclude(status=CampaignStatus.DRAFT).order_by("-year", "-round")


def default_campaign() -> Campaign | None:
    """The same round the comment list opens on."""
    pk = default_campaign_id()
    return Campaign.objects.filter(pk=pk).first() if pk else None


@dataclass
class AspectRow:
    aspect: AspectInfo
    index: float | None  # mean of its questions' satisfaction rates (SIPAS)
    counts: LevelCounts  # its questions' answers pooled: N, rate and interval beside the index


@dataclass
class SliceRow:
    key: object
    label: str
    measures: SliceMeasures


@dataclass
class TrendPoint:
    campaign: Campaign
    measures: SliceMeasures


@dataclass(frozen=True)
class QuotaRow:
    progress: QuotaProgress
    expected_now: int | None
    projected: int | None

    @property
    def behind(self) -> bool:
        """The pace will not reach the quota by the close date (or it closed short of it)."""
        p = self.progress
        return (
            bool(p.minimum)
            and p.counted < p.minimum
            and self.projected is not None
            and (self.projected < p.minimum)
        )


def _pace(campaign: Campaign, progress: QuotaProgress, today: datetime.date) -> QuotaRow:
    if not progress.minimum:
        return QuotaRow(progress, None, None)
    total_days = (campaign.closes_on - campaign.opens_on).days + 1
    elapsed = min(max((today - campaign.opens_on).days + 1, 0), total_days)
    if campaign.status == CampaignStatus.CLOSED:
        elapsed = total_days
    if elapsed == 0:
        return QuotaRow(progress, 0, None)
    expected = math.ceil(progress.minimum * elapsed / total_days)
    projected = math.floor(progress.counted * total_days / elapsed)
    return QuotaRow(progress, expected, projected)


def quota_rows(
    *, campaign: Campaign, unit_ids=None, response_rows=None, units=None, today=None
) -> list[QuotaRow]:
    today = today or timezone.localdate()
    if response_rows is None:
        response_rows = counts.response_rows(campaign=campaign, unit_ids=unit_ids)
    if units is None:
        units = _units(campaign, response_rows, unit_ids)
    progress = quota_progress(campaign=campaign, response_rows=response_rows, units=units)
    return [_pace(campaign, p, today) for p in progress]


def _units(campaign: Campaign, response_rows, unit_ids) -> list[Unit]:
    units = report_units(campaign=campaign, extra_unit_ids={r.unit_id for r in response_rows})
    if unit_ids is not None:
        allowed = set(unit_ids)
        units = [u for u in units if u.pk in allowed]
    return units


def _layouts(campaigns: list[Campaign]) -> dict[int, Layout]:
    """One layout per questionnaire (campaigns usually share one): two queries each."""
    by_questionnaire: dict[int, Layout] = {}
    for campaign in campaigns:
        if campaign.questionnaire_id not in by_questionnaire:
            by_questionnaire[campaign.questionnaire_id] = questionnaire_layout(campaign=campaign)
    return {c.pk: by_questionnaire[c.questionnaire_id] for c in campaigns}


def trend(*, campaign: Campaign, unit_ids=None) -> list[TrendPoint]:
    """The overall index and rates of the last rounds up to this one, oldest first."""
    campaigns = list(
        campaigns_for_picker()
        .filter(opens_on__lte=campaign.opens_on)
        .select_related("questionnaire")[:TREND_CAMPAIGNS]
    )[::-1]
    layouts = _layouts(campaigns)
    cubes = counts.cubes(campaigns=campaigns, unit_ids=unit_ids, keep=())
    totals = counts.responses_per_campaign(campaigns=campaigns, unit_ids=unit_ids)
    points = []
    for c in campaigns:
        measures = rollup_total(cubes[c.pk], layouts[c.pk])
        measures.responses = totals.get(c.pk, 0)
        points.append(TrendPoint(c, measures))
    return points


@dataclass
class Dashboard:
    campaign: Campaign
    layout: Layout
    total: SliceMeasures
    units: list[UnitMeasures]
    aspects: list[AspectRow]
    channels: list[SliceRow]
    groups: list[SliceRow]
    quotas: list[QuotaRow]
    per_day: list[tuple[datetime.date, int]]
    trend: list[TrendPoint]


def dashboard_data(*, campaign: Campaign, unit_ids=None, today=None) -> Dashboard:
    """Everything on /dashboard/ for one campaign, restricted to `unit_ids` for a unit manager."""
    layout = questionnaire_layout(campaign=campaign)
    # Three small cubes, each summed in SQL down to the dimension rolled up (see cube.cubes).
    unit_cube = counts.cube(campaign=campaign, unit_ids=unit_ids, keep=("unit",))
    response_rows = counts.response_rows(campaign=campaign, unit_ids=unit_ids)
    units = _units(campaign, response_rows, unit_ids)
    per_unit = rollup_by_unit(unit_cube, layout, response_rows)
    total = rollup_total(unit_cube, layout, response_rows)
    by_channel = rollup_by_channel(
        counts.cube(campaign=campaign, unit_ids=unit_ids, keep=("channel",)), layout, response_rows
    )
    by_group = rollup_by_group(
        counts.cube(campaign=campaign, unit_ids=unit_ids, keep=("group",)), layout, response_rows
    )
    groups = {g.pk: g for g in RespondentGroup.objects.all()}
    return Dashboard(
        campaign=campaign,
        layout=layout,
        total=total,
        units=[UnitMeasures(u, per_unit.get(u.pk) or SliceMeasures(layout=layout)) for u in units],
        aspects=[
            AspectRow(a, total.aspect_index(a), total.aspect_counts(a)) for a in layout.aspects
        ],
        channels=[
            SliceRow(value, label, by_channel[value])
            for value, label in Channel.choices
            if value in by_channel
        ],
        groups=[
            SliceRow(pk, str(groups[pk]) if pk in groups else str(pk), measures)
            for pk, measures in sorted(by_group.items())
        ],
        quotas=quota_rows(
            campaign=campaign,
            unit_ids=unit_ids,
            response_rows=response_rows,
            units=units,
            today=today,
        ),
        per_day=counts.responses_per_day(campaign=campaign, unit_ids=unit_ids),
        trend=trend(campaign=campaign, unit_ids=unit_ids),
    )


def signals_computed_since(*, campaign: Campaign, since) -> bool:
    return SignalCheck.objects.filter(campaign=campaign, computed_at__gte=since).exists()


def stored_signals(*, campaign: Campaign, limit: int = 200):
    """The last computed signals, each with (the first 50 of) the responses concerned."""
    check = SignalCheck.objects.filter(campaign=campaign).first()
    signals = (
        StuffingSignal.objects.filter(campaign=campaign)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.only("pk").order_by("pk")[:SIGNAL_RESPONSES_SHOWN],
                to_attr="concerned",
            )
        )
        .order_by("-day", "unit__sort_order", "kind")[:limit]
    )
    return check, signals
