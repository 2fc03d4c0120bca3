"""Everything the sheets of one workbook share, computed once (a handful of SQL queries)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.utils import timezone

from reports import selectors
from surveys.models import Campaign, RespondentGroup, Unit

ProgressCallback = Callable[[int, str], None]


class ReportContext:
    """The campaign's cube and its roll-ups. Sheets read these; none queries the cube again."""

    def __init__(
        self,
        campaign: Campaign,
        progress: ProgressCallback | None = None,
        *,
        unit: Unit | None = None,
        variant: str = "internal",
        run_id: int | None = None,
    ):
        self.campaign = campaign
        self.progress = progress or (lambda percent, note: None)
        self.generated_at = timezone.localtime()
        self.unit, self.variant, self.run_id = unit, variant, run_id
        self.unit_ids: set[int] | None = None
        if unit is not None:
            from surveys.tree import subtree_ids

            self.unit_ids = subtree_ids(unit)

    @property
    def filters(self) -> dict:
        """The slice filters of the selectors: the unit's subtree, or nothing."""
        return {} if self.unit_ids is None else {"unit_ids": self.unit_ids}

    @cached_property
    def root(self) -> Unit | None:
        """Whose report it is: the unit of a unit report, else the root above the first unit."""
        if self.unit is not None:
            return self.unit
        unit = self.units[0] if self.units else None
        seen = set()
        while unit is not None and unit.parent_id and unit.parent_id not in seen:
            seen.add(unit.pk)
            unit = Unit.objects.get(pk=unit.parent_id)
        return unit

    @cached_property
    def layout(self) -> selectors.Layout:
        return selectors.questionnaire_layout(campaign=self.campaign)

    @cached_property
    def cube(self) -> list[selectors.CubeRow]:
        return selectors.answer_cube(campaign=self.campaign, **self.filters)

    @cached_property
    def response_rows(self) -> list[selectors.ResponseCountRow]:
        return selectors.response_counts(campaign=self.campaign, **self.filters)

    @cached_property
    def response_total(self) -> int:
        return sum(r.responses for r in self.response_rows)

    @cached_property
    def comment_total(self) -> int:
        return selectors.comment_rows(campaign=self.campaign, unit_ids=self.unit_ids).count()

    @cached_property
    def units(self):
        units = selectors.report_units(
            campaign=self.campaign, extra_unit_ids={r.unit_id for r in self.response_rows}
        )
        if self.unit_ids is not None:
            units = [u for u in units if u.pk in self.unit_ids]
        return units

    @cached_property
    def unit_names(self) -> dict[int, tuple[str, str]]:
        return {u.pk: (u.code, u.name) for u in self.units}

    @cached_property
    def groups(self) -> list[RespondentGroup]:
        used = {r.group_id for r in self.response_rows}
        return [g for g in RespondentGroup.objects.all() if g.is_active or g.pk in used]

    @cached_property
    def total(self) -> selectors.SliceMeasures:
        return selectors.rollup_total(self.cube, self.layout, self.response_rows)

    @cached_property
    def by_unit(self):
        return selectors.rollup_by_unit(self.cube, self.layout, self.response_rows)

    @cached_property
    def by_group(self):
        return selectors.rollup_by_group(self.cube, self.layout, self.response_rows)

    @cached_property
    def by_channel(self):
        return selectors.rollup_by_channel(self.cube, self.layout, self.response_rows)

    @cached_property
    def by_form(self):
        return selectors.rollup_by_form(self.cube, self.layout, self.response_rows)

    @cached_property
    def previous_round(self):
        from reports.comparison import earlier_measures, previous_round

        return earlier_measures(self, previous_round(self.campaign))

    @cached_property
    def previous_year(self):
        from reports.comparison import earlier_measures, previous_year

        return earlier_measures(self, previous_year(self.campaign))

    def measures(self, rolled: dict, key) -> selectors.SliceMeasures:
        """The measures of one slice, empty ones for a slice without responses."""
        return rolled.get(key) or selectors.SliceMeasures(layout=self.layout)
