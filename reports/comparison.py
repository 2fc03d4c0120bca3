"""Comparison with earlier rounds (DESIGN.md "Comparison"): a unit's pooled rate against the
same unit, through the successor chain, in the previous round and the previous year; the
change in points, `không đáng kể` where the two 95% Wilson intervals overlap.

Each earlier round costs one cube query (its own size), rolled up onto this report's units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports import selectors
from surveys.models import Campaign, Unit

if TYPE_CHECKING:
    from reports.exporters.context import ReportContext


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
