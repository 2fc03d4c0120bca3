"""The figures of the written report, read from the workbook's roll-ups (ReportContext).

Nothing here queries answers: the report's numbers are those of the workbook's sheets (the
same cube, the same SliceMeasures), only worded and formatted for a Vietnamese document. The
comparison reads the previous round's and the previous year's cubes the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from reports import selectors
from reports.exporters.base import small_base
from reports.exporters.context import ReportContext
from reports.exporters.labels import channel_label, form_label
from surveys.models import (
    OPEN_FOLLOWUP_STATUSES,
    Campaign,
    Channel,
    FollowUp,
    Form,
    Unit,
    channel_form,
)

# --------------------------------------------------------------------------- formatting


def vi_number(value: float | None, decimals: int = 2) -> str:
    """98.5 -> "98,50" (Vietnamese: decimal comma, dot between thousands); None -> "—"."""
    if value is None:
        return "—"
    formatted = f"{value:,.{decimals}f}"
    return formatted.replace(",", "\0").replace(".", ",").replace("\0", ".")


def vi_count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


def vi_rate(value: float | None, n: int | None = None) -> str:
    """A rate for the text: "98,50%", with the small-base mark when N is below 30."""
    if value is None:
        return "—"
    mark = small_base(n)
    return f"{vi_number(value)}%" + (f" ({mark})" if mark else "")


def vi_interval(bounds: tuple[float | None, float | None]) -> str:
    low, high = bounds
    if low is None or high is None:
        return "—"
    return f"{vi_number(low)}% – {vi_number(high)}%"


# --------------------------------------------------------------------------- comparison


def previous_round(campaign: Campaign) -> Campaign | None:
    """The round before: the same year's previous round, else the previous year's last."""
    earlier = Campaign.objects.exclude(status="draft").exclude(pk=campaign.pk)
    return (
        earlier.filter(year=campaign.year, round__lt=campaign.round).order_by("-round").first()
        or earlier.filter(year__lt=campaign.year).order_by("-year", "-round").first()
    )


def previous_year(campaign: Campaign) -> Campaign | None:
    """The same round of the previous year (its last round if it had fewer)."""
    last_year = Campaign.objects.exclude(status="draft").filter(year=campaign.year - 1)
    return (
        last_year.filter(round=campaign.round).first()
        or last_year.filter(round__lt=campaign.round).order_by("-round").first()
    )


def _successor_resolver(targets: set[int]):
    """unit id -> the unit of `targets` its successor chain leads to (itself included)."""
    successor = dict(Unit.objects.values_list("pk", "successor_id"))

    def resolve(unit_id: int) -> int | None:
        seen = set()
        while unit_id is not None and unit_id not in targets and unit_id not in seen:
            seen.add(unit_id)
            unit_id = successor.get(unit_id)
        return unit_id if unit_id in targets else None

    return resolve


@dataclass
class Compared:
    """A unit's (or the total's) pooled rate now and in an earlier round."""

    rate: float | None
    n: int
    bounds: tuple[float | None, float | None]

    @classmethod
    def of(cls, m: selectors.SliceMeasures | None) -> Compared:
        if m is None:
            return cls(None, 0, (None, None))
        return cls(m.pooled_rate, m.counts.total, selectors.interval_bounds(m.counts))

    def change(self, now: Compared) -> float | None:
        if now.rate is None or self.rate is None:
            return None
        return now.rate - self.rate

    def significant(self, now: Compared) -> bool | None:
        """False (`không đáng kể`) where the two 95% Wilson intervals overlap."""
        if None in (*self.bounds, *now.bounds):
            return None
        return self.bounds[1] < now.bounds[0] or now.bounds[1] < self.bounds[0]


@dataclass
class Earlier:
    campaign: Campaign
    total: Compared
    by_unit: dict[int, Compared]


def earlier_measures(ctx: ReportContext, campaign: Campaign | None) -> Earlier | None:
    """An earlier round's pooled rates, per unit of this report through the successor chain."""
    if campaign is None:
        return None
    unit_ids = {u.pk for u in ctx.units}
    resolve = _successor_resolver(unit_ids)
    layout = selectors.questionnaire_layout(campaign=campaign)
    # Within a unit report only the subtree's units (and their predecessors) count.
    cube = [
        r
        for r in selectors.answer_cube(campaign=campaign)
        if ctx.unit_ids is None or resolve(r.unit_id) is not None
    ]
    per_unit = selectors.rollup(cube, layout, lambda r: resolve(r.unit_id))
    total = selectors.rollup_total(cube, layout)
    return Earlier(
        campaign,
        Compared.of(total if total.by_question else None),
        {pk: Compared.of(m) for pk, m in per_unit.items() if pk is not None},
    )


# --------------------------------------------------------------------------- the figures


@dataclass
class Row:
    label: str
    m: selectors.SliceMeasures


@dataclass
class FormQuota:
    form: str
    label: str
    minimum: int
    counted: int
    transactions: int

    @property
    def reached(self) -> float | None:
        return self.counted * 100 / self.minimum if self.minimum else None

    @property
    def response_rate(self) -> float | None:
        return self.counted * 100 / self.transactions if self.transactions else None


@dataclass
class FollowUpLine:
    title: str
    unit: str
    comments: int
    deadline: str
    status: str
    overdue: bool


class Figures:
    """What the written report says, from one ReportContext."""

    def __init__(self, ctx: ReportContext):
        self.ctx = ctx
        self.total = ctx.total
        self.units = [Row(u.name, ctx.measures(ctx.by_unit, u.pk)) for u in ctx.units]
        self.unit_ids = [u.pk for u in ctx.units]
        self.groups = [Row(g.name, ctx.measures(ctx.by_group, g.pk)) for g in ctx.groups]
        self.channels = [
            Row(
                f"{channel_label(c)} ({form_label(channel_form(c))})",
                ctx.measures(ctx.by_channel, c),
            )
            for c in Channel.values
        ]
        self.forms = [Row(form_label(f), ctx.measures(ctx.by_form, f)) for f in Form.values]
        self.aspects = [
            (a.name, self.total.aspect_index(a), self.total.aspect_counts(a).total)
            for a in ctx.layout.aspects
        ]

    @property
    def channels_accepted(self) -> list[str]:
        return [channel_label(c) for c in Channel.values if c in (self.ctx.campaign.channels or [])]

    def quotas(self) -> list[FormQuota]:
        """Required respondents, responses and transactions per form (sums over the units)."""
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for p in selectors.quota_progress(
            campaign=self.ctx.campaign, response_rows=self.ctx.response_rows, units=self.ctx.units
        ):
            sums[p.form][0] += p.minimum or 0
            sums[p.form][1] += p.counted
            sums[p.form][2] += p.transactions or 0
        return [FormQuota(f, form_label(f), *sums[f]) for f in Form.values]

    def followups(self) -> list[FollowUpLine]:
        qs = FollowUp.objects.filter(campaign=self.ctx.campaign).select_related("unit")
        if self.ctx.unit_ids is not None:
            qs = qs.filter(unit_id__in=self.ctx.unit_ids)
        day = self.ctx.generated_at.date()
        out = []
        for f in qs.order_by("unit__sort_order", "unit__code", "created_at", "pk").annotate(
            n_comments=Count("responses")
        ):
            out.append(
                FollowUpLine(
                    f.title,
                    f.unit.name,
                    f.n_comments,
                    f"{f.deadline:%d/%m/%Y}" if f.deadline else "—",
                    str(f.get_status_display()),
                    bool(f.deadline and f.deadline < day and f.status in OPEN_FOLLOWUP_STATUSES),
                )
            )
        return out

    def earlier(self) -> tuple[Earlier | None, Earlier | None]:
        campaign = self.ctx.campaign
        return (
            earlier_measures(self.ctx, previous_round(campaign)),
            earlier_measures(self.ctx, previous_year(campaign)),
        )
