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


def _earlier(campaign: Campaign):
    """Rounds that can be compared with `campaign`: not drafts, of the same root."""
    earlier = Campaign.objects.exclude(status="draft").exclude(pk=campaign.pk)
    if campaign.root_id is not None:
        earlier = earlier.filter(root_id=campaign.root_id)
    return earlier


def previous_round(campaign: Campaign) -> Campaign | None:
    """The round before: the same year's previous round, else the previous year's last."""
    earlier = _earlier(campaign)
    return (
        earlier.filter(year=campaign.year, round__lt=campaign.round).order_by("-round").first()
        or earlier.filter(year__lt=campaign.year).order_by("-year", "-round").first()
    )


def previous_year(campaign: Campaign) -> Campaign | None:
    """The same round of the previous year (its last round if it had fewer)."""
    last_year = _earlier(campaign).filter(year=campaign.year - 1)
    return (
        last_year.filter(round=campaign.round).first()
        or last_year.filter(round__lt=campaign.round).order_by("-round").first()
    )


def rounds_of_year(
    year: int, *, root: Unit | None = None, like: list[Campaign] | None = None
) -> list[Campaign]:
    """Every non-draft round of `year`, of `root` (or of the roots of the rounds `like`)."""
    rounds = Campaign.objects.exclude(status="draft").filter(year=year)
    if root is not None:
        rounds = rounds.filter(root=root)
    elif like:
        roots = {c.root_id for c in like}
        if None not in roots:
            rounds = rounds.filter(root_id__in=roots)
    return list(rounds.select_related("questionnaire").order_by("opens_on", "round", "pk"))


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
    campaign: Campaign  # the earlier round (the last of the earlier year's rounds)
    total: Compared
    by_unit: dict[int, Compared]
    campaigns: list[Campaign]


def earlier_measures(
    ctx: ReportContext, campaign: Campaign | list[Campaign] | None
) -> Earlier | None:
    """An earlier round's (or year's) pooled rates, per unit of this report.

    The earlier cube is rolled up with this report's own map (`ctx.unit_of`, through the
    successor chains onto the units valid on this period's last day), so a unit is compared
    with the same unit under whatever code it had then.
    """
    if not campaign:
        return None
    rounds = [campaign] if isinstance(campaign, Campaign) else list(campaign)
    scope = rounds[0] if len(rounds) == 1 else rounds
    layout = selectors.questionnaire_layout(campaign=rounds[-1])
    filters = {} if ctx.unit_ids is None else {"unit_ids": ctx.unit_ids}
    cube = selectors.answer_cube(campaign=scope, **filters)
    per_unit = selectors.rollup(cube, layout, lambda r: ctx.target(r.unit_id))
    total = selectors.rollup_total(cube, layout)
    return Earlier(
        rounds[-1],
        Compared.of(total if total.by_question else None),
        {pk: Compared.of(m) for pk, m in per_unit.items()},
        rounds,
    )
