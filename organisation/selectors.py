"""Reads of the organisation app: the yearly plans and the responses counted toward them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from reports.selectors import ResponseCountRow, quota_progress
from surveys.models import Campaign, CampaignStatus, Response, Unit
from surveys.tree import UnitTree

from .models import YearlyPlan, YearlyPlanUnit


def yearly_plan_rows(*, year: int, root_ids: Iterable[int] | None = None) -> list[tuple]:
    """One query: (unit_id, form, minimum, transaction_volume) of the year's plans, of the
    roots `root_ids` (None: of every root) — the quota rows of a year's `Chỉ tiêu`."""
    plans = YearlyPlanUnit.objects.filter(plan__year=year)
    if root_ids is not None:
        plans = plans.filter(plan__root_id__in=list(root_ids))
    return list(
        plans.order_by().values_list("unit_id", "plan__form", "minimum", "transaction_volume")
    )


@dataclass(frozen=True)
class PlanProgress:
    unit: Unit
    form: str
    assigned: int
    counted: int

    @property
    def reached_rate(self) -> float | None:
        return self.counted * 100 / self.assigned if self.assigned else None


def yearly_plan_progress(*, plan: YearlyPlan) -> list[PlanProgress]:
    """Each unit's part of the plan and the responses counted so far toward it: every
    non-draft round of the plan's year and root, in the plan's form, rolled up through the
    successor chains onto the units valid on the year's last day (DESIGN.md). Four queries:
    the parts, the unit tree, the responses grouped by unit and channel, the units."""
    rounds = Campaign.objects.exclude(status=CampaignStatus.DRAFT).filter(
        year=plan.year, root_id=plan.root_id
    )
    unit_of = UnitTree.load().rollup_map(units_on=datetime.date(plan.year, 12, 31))
    parts = list(plan.units.order_by().values_list("unit_id", "minimum", "transaction_volume"))
    targets = {unit_of.get(pk, pk) for pk, _m, _v in parts}
    responses = [
        ResponseCountRow(r["unit_id"], 0, r["channel"], r["n"])
        for r in Response.objects.filter(campaign__in=rounds)
        .values("unit_id", "channel")
        .annotate(n=Count("id"))
        .order_by()
    ]
    units = list(Unit.objects.filter(pk__in=targets).order_by("sort_order", "code"))
    progress = quota_progress(
        campaign=list(rounds),
        response_rows=responses,
        units=units,
        unit_of=unit_of,
        quota_rows=[(pk, plan.form, minimum, volume) for pk, minimum, volume in parts],
    )
    return [
        PlanProgress(p.unit, p.form, p.minimum or 0, p.counted)
        for p in progress
        if p.form == plan.form
    ]
