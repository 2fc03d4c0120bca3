"""What the dashboard shows, computed by the report's roll-ups over the (materialised) cube."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext

from followups.selectors import default_campaign_id
from reports.comparison import rounds_of_year
from reports.selectors import (
    AspectInfo,
    Layout,
    QuotaProgress,
    SliceMeasures,
    UnitMeasures,
    campaign_quota_rows,
    questionnaire_layout,
    quota_progress,
    rolled_unit_ids,
    rollup,
    rollup_by_channel,
    rollup_by_group,
    rollup_total,
    subtree_chains,
)
from surveys.models import Campaign, CampaignStatus, Channel, RespondentGroup, Response, Unit
from surveys.stats import LevelCounts
from surveys.tree import UnitTree

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
class Period:
    """What a dashboard page shows: one round, or every non-draft round of a year."""

    campaigns: list[Campaign]
    year: int | None = None

    @classmethod
    def of_year(cls, year: int, *, within=None) -> Period | None:
        """Every non-draft round of `year` (of `within`, rounds or a queryset: the user's)."""
        rounds = rounds_of_year(year)
        if within is not None:
            visible = {c.pk for c in within}
            rounds = [c for c in rounds if c.pk in visible]
        return cls(rounds, year) if rounds else None

    @property
    def campaign(self) -> Campaign:
        """The round, or the year's last round (its questionnaire lays the page out)."""
        return self.campaigns[-1]

    @property
    def scope(self):
        return self.campaign if self.year is None else self.campaigns

    @property
    def opens_on(self) -> datetime.date:
        return min(c.opens_on for c in self.campaigns)

    @property
    def closes_on(self) -> datetime.date:
        return max(c.closes_on for c in self.campaigns)

    @property
    def status(self) -> str:
        open_ = any(c.status == CampaignStatus.OPEN for c in self.campaigns)
        return CampaignStatus.OPEN if open_ else CampaignStatus.CLOSED

    @property
    def name(self) -> str:
        if self.year is None:
            return self.campaign.name
        return gettext("Year %(year)d") % {"year": self.year}

    @property
    def query(self) -> str:
        """The query string that shows this period again."""
        return f"year={self.year}" if self.year is not None else f"campaign={self.campaign.slug}"


def years_for_picker(campaigns: list[Campaign] | None = None) -> list[int]:
    """The years with a round that is not a draft, newest first (of `campaigns` if given)."""
    if campaigns is None:
        campaigns = campaigns_for_picker()
    return sorted({c.year for c in campaigns}, reverse=True)


@dataclass
class Scope:
    """The roll-up of a period (DESIGN.md, roll-up through reorganisations): every unit id →
    the unit valid on the period's last day that carries its history, and which responses a
    user with `unit_ids` (None: all) sees — those counted under a unit they see."""

    tree: UnitTree
    day: datetime.date
    unit_of: dict[int, int]
    visible: set[int] | None
    source_ids: list[int] | None  # the SQL filter: units whose responses count here

    @classmethod
    def of(cls, period: Period, unit_ids=None, tree: UnitTree | None = None) -> Scope:
        tree = tree or UnitTree.load()  # one query: the unit table is small
        unit_of = tree.rollup_map(units_on=period.closes_on)
        visible = None if unit_ids is None else set(unit_ids)
        source = None if visible is None else sorted(p for p, t in unit_of.items() if t in visible)
        return cls(tree, period.closes_on, unit_of, visible, source)

    def target(self, unit_id: int) -> int:
        return self.unit_of.get(unit_id, unit_id)

    def units(self, period: Period, response_rows) -> list[Unit]:
        surveyed = Unit.objects.filter(campaigns__in=[c.pk for c in period.campaigns]).values_list(
            "pk", flat=True
        )
        ids = rolled_unit_ids(
            self.tree, self.unit_of, self.day, surveyed=set(surveyed),
            responding={r.unit_id for r in response_rows}, within=self.visible,
        )  # fmt: skip
        return list(Unit.objects.filter(pk__in=ids).order_by("sort_order", "code"))


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


def _pace(campaign, progress: QuotaProgress, today: datetime.date) -> QuotaRow:
    """`campaign`: a round or a Period (dates and status)."""
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
    *,
    campaign: Campaign | None = None,
    period: Period | None = None,
    unit_ids=None,
    response_rows=None,
    units=None,
    today=None,
    scope: Scope | None = None,
    tree: UnitTree | None = None,
) -> list[QuotaRow]:
    """Quota progress per unit and form, rolled up; a year's against its yearly plan."""
    today = today or timezone.localdate()
    period = period or Period([campaign])
    scope = scope or Scope.of(period, unit_ids, tree)
    if response_rows is None:
        response_rows = counts.response_rows(campaign=period.scope, unit_ids=scope.source_ids)
    if units is None:
        units = scope.units(period, response_rows)
    if period.year is None:
        plan = campaign_quota_rows(campaign=period.scope)
    else:
        from organisation.selectors import yearly_plan_rows

        roots = {c.root_id for c in period.campaigns} - {None}
        plan = yearly_plan_rows(year=period.year, root_ids=roots or None)
    progress = quota_progress(
        campaign=period.scope, response_rows=response_rows, units=units,
        unit_of=scope.unit_of, quota_rows=plan,
    )  # fmt: skip
    return [_pace(period, p, today) for p in progress]


QUOTA_ROWS_ON_INDEX = 30


def index_quotas(quotas: list[QuotaRow]) -> tuple[list[QuotaRow], int]:
    """The quota rows /dashboard/ lists, and how many there are: all of them for a unit or a
    small subtree; for a region (hundreds, all on /dashboard/quota/) only those behind the
    pace. Rendering a region's 400 rows cost the page 30 ms (bench/years.py)."""
    listed = [q for q in quotas if q.progress.minimum or q.progress.counted]
    if len(listed) <= QUOTA_ROWS_ON_INDEX:
        return listed, len(listed)
    return [q for q in listed if q.behind], len(listed)


def _layouts(
    campaigns: list[Campaign], known: dict[int, Layout] | None = None
) -> dict[int, Layout]:
    """One layout per questionnaire (campaigns usually share one): two queries each, none for
    a questionnaire in `known` (questionnaire id → layout already loaded)."""
    by_questionnaire: dict[int, Layout] = dict(known or {})
    for campaign in campaigns:
        if campaign.questionnaire_id not in by_questionnaire:
            by_questionnaire[campaign.questionnaire_id] = questionnaire_layout(campaign=campaign)
    return {c.pk: by_questionnaire[c.questionnaire_id] for c in campaigns}


@dataclass
class YearPoint:
    year: int
    rounds: int
    measures: SliceMeasures


@dataclass
class History:
    """Every non-draft round's totals: one query on the counts for all of them."""

    campaigns: list[Campaign]
    layouts: dict[int, Layout]
    cubes: dict[int, list]
    totals: dict[int, SliceMeasures]

    @classmethod
    def load(
        cls, *, unit_ids=None, known: dict[int, Layout] | None = None, rounds=None
    ) -> History:
        """`rounds`: the rounds to show (a queryset: the user's); None: every non-draft one."""
        rounds = campaigns_for_picker() if rounds is None else rounds
        campaigns = list(rounds.select_related("questionnaire").order_by("opens_on", "pk"))
        layouts = _layouts(campaigns, known)
        cubes = counts.cubes(campaigns=campaigns, unit_ids=unit_ids, keep=())
        responses = counts.responses_per_campaign(campaigns=campaigns, unit_ids=unit_ids)
        totals = {}
        for c in campaigns:
            totals[c.pk] = rollup_total(cubes[c.pk], layouts[c.pk])
            totals[c.pk].responses = responses.get(c.pk, 0)
        return cls(campaigns, layouts, cubes, totals)

    def rounds(self, campaign: Campaign) -> list[TrendPoint]:
        """The overall index and rates of the last rounds up to this one, oldest first."""
        earlier = [c for c in self.campaigns if c.opens_on <= campaign.opens_on]
        earlier.sort(key=lambda c: (c.year, c.round))
        return [TrendPoint(c, self.totals[c.pk]) for c in earlier[-TREND_CAMPAIGNS:]]

    def years(self) -> list[YearPoint]:
        """The overall index, pooled rate and N of each year, oldest first, rolled up from its
        rounds' counts (on the layout of the year's last round)."""
        by_year: dict[int, list[Campaign]] = {}
        for c in self.campaigns:
            by_year.setdefault(c.year, []).append(c)
        points = []
        for year, rounds in sorted(by_year.items()):
            rows = [row for c in rounds for row in self.cubes[c.pk]]
            measures = rollup_total(rows, self.layouts[rounds[-1].pk])
            measures.responses = sum(self.totals[c.pk].responses for c in rounds)
            points.append(YearPoint(year, len(rounds), measures))
        return points


def trend(*, campaign: Campaign, unit_ids=None) -> list[TrendPoint]:
    """The overall index and rates of the last rounds up to this one, oldest first."""
    return History.load(unit_ids=unit_ids).rounds(campaign)


def yearly_trend(*, unit_ids=None) -> list[YearPoint]:
    return History.load(unit_ids=unit_ids).years()


@dataclass
class TreeNode:
    """A unit with units under it: its subtree's totals, then the units under it (parents
    of their own subtrees as nested nodes)."""

    unit: Unit
    measures: SliceMeasures
    children: list[TreeNode]
    leaves: list[UnitMeasures]


def _subtree_totals(
    per_unit: dict[int, SliceMeasures], chains: dict[int, list[int]], layout: Layout
) -> dict[int, SliceMeasures]:
    """reports.selectors.rollup_subtrees over the units' rolled-up measures instead of the cube
    rows: the same sums from a twelfth of the additions (the region's tree: 86 ms → 22 ms under
    cProfile, bench/years.py data)."""
    out: dict[int, SliceMeasures] = {}
    for target, measures in per_unit.items():
        for pk in chains.get(target, ()):
            out.setdefault(pk, SliceMeasures(layout=layout)).merge(measures)
    return out


def unit_tree(
    units: list[UnitMeasures], scope: Scope, per_unit: dict[int, SliceMeasures], layout: Layout
) -> list[TreeNode]:
    """The regions expanded into their units: pure, over the measures the page already has."""
    chains = subtree_chains(scope.tree, scope.unit_of, scope.day, within=scope.visible)
    totals = _subtree_totals(per_unit, chains, layout)
    listed = {u.unit.pk: u for u in units}
    parent_ids = {pk for u in units for pk in chains.get(u.unit.pk, ())}
    if not parent_ids:
        return []
    extra = Unit.objects.filter(pk__in=parent_ids - set(listed)).order_by()
    parent_units = {u.pk: u for u in extra}
    parent_units |= {pk: listed[pk].unit for pk in parent_ids & set(listed)}
    nodes = {
        pk: TreeNode(unit, totals.get(pk) or SliceMeasures(layout=layout), [], [])
        for pk, unit in parent_units.items()
    }

    def above(pk: int) -> int | None:
        chain = chains.get(pk, [])
        rest = chain[1:] if chain and chain[0] == pk else chain
        return rest[0] if rest else None

    roots = []
    for pk in sorted(nodes, key=lambda p: (parent_units[p].sort_order, parent_units[p].code)):
        up = above(pk)
        (nodes[up].children if up in nodes else roots).append(nodes[pk])
    for row in units:  # in the page's order
        pk = row.unit.pk
        home = pk if pk in nodes else above(pk)
        if home in nodes:
            nodes[home].leaves.append(row)
    return roots


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
    period: Period | None = None
    years: list[YearPoint] | None = None
    tree: list[TreeNode] | None = None
    scope: Scope | None = None


def dashboard_data(
    *,
    campaign: Campaign | None = None,
    period: Period | None = None,
    unit_ids=None,
    today=None,
    rounds=None,
    tree: UnitTree | None = None,
) -> Dashboard:
    """Everything on /dashboard/ for one round or a year, for a user who sees `unit_ids`
    (None: all). Rolled up through reorganisations onto the units valid on its last day."""
    period = period or Period([campaign])
    campaign = period.campaign
    scope = Scope.of(period, unit_ids, tree)
    source = scope.source_ids
    layout = questionnaire_layout(campaign=campaign)
    # Small cubes, each summed in SQL down to the dimension rolled up (see cube.cubes).
    unit_cube = counts.cube(campaign=period.scope, unit_ids=source, keep=("unit",))
    response_rows = counts.response_rows(campaign=period.scope, unit_ids=source)
    units = scope.units(period, response_rows)
    per_unit = rollup(unit_cube, layout, lambda r: scope.target(r.unit_id), response_rows)
    channel_cube, group_cube = counts.channel_and_group_cubes(
        campaign=period.scope, unit_ids=source
    )
    total = rollup_total(channel_cube, layout, response_rows)  # the same sums, fewer rows
    by_channel = rollup_by_channel(channel_cube, layout, response_rows)
    by_group = rollup_by_group(group_cube, layout, response_rows)
    groups = {g.pk: g for g in RespondentGroup.objects.all()}
    history = History.load(
        unit_ids=source, known={campaign.questionnaire_id: layout}, rounds=rounds
    )
    unit_rows = [UnitMeasures(u, per_unit.get(u.pk) or SliceMeasures(layout=layout)) for u in units]
    return Dashboard(
        campaign=campaign,
        layout=layout,
        total=total,
        units=unit_rows,
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
            period=period, response_rows=response_rows, units=units, today=today, scope=scope
        ),
        per_day=counts.responses_per_day(campaign=period.scope, unit_ids=source),
        trend=history.rounds(campaign),
        period=period,
        years=history.years(),
        scope=scope,
        tree=unit_tree(unit_rows, scope, per_unit, layout),
    )


def signals_computed_since(*, campaign: Campaign, since) -> bool:
    return SignalCheck.objects.filter(campaign=campaign, computed_at__gte=since).exists()


def stored_signals(
    *,
    campaign: Campaign,
    limit: int = 200,
    period: Period | None = None,
    unit_of=None,
    unit_ids=None,
):
    """The last computed signals, each with (the first 50 of) the responses concerned; over a
    year, those of its rounds. Each signal's `carried_by` is the unit valid on the period's
    last day that its unit's history is counted under (None when it is the unit itself)."""
    period = period or Period([campaign])
    check = SignalCheck.objects.filter(campaign=period.campaign).first()
    signals = (
        StuffingSignal.objects.filter(campaign__in=[c.pk for c in period.campaigns])
        .filter(Q() if unit_ids is None else Q(unit_id__in=list(unit_ids)))  # the user's units
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
    signals = list(signals)
    if unit_of is None:
        unit_of = UnitTree.load().rollup_map(units_on=period.closes_on)
    moved = {s.unit_id: unit_of.get(s.unit_id, s.unit_id) for s in signals}
    heirs = Unit.objects.in_bulk({t for u, t in moved.items() if u != t})
    for signal in signals:
        signal.carried_by = heirs.get(moved[signal.unit_id])
    return check, signals
