"""Everything the sheets of one workbook share, computed once (a handful of SQL queries)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.utils import timezone

from reports import selectors
from surveys.models import Campaign, RespondentGroup

ProgressCallback = Callable[[int, str], None]


class ReportContext:
    """The campaign's cube and its roll-ups. Sheets read these; none queries the cube again."""

    def __init__(self, campaign: Campaign, progress: ProgressCallback | None = None):
        self.campaign = campaign
        self.progress = progress or (lambda percent, note: None)
        self.generated_at = timezone.localtime()

    @cached_property
    def layout(self) -> selectors.Layout:
        return selectors.questionnaire_layout(campaign=self.campaign)

    @cached_property
    def cube(self) -> list[selectors.CubeRow]:
        return selectors.answer_cube(campaign=self.campaign)

    @cached_property
    def response_rows(self) -> list[selectors.ResponseCountRow]:
        return selectors.response_counts(campaign=self.campaign)

    @cached_property
    def response_total(self) -> int:
        return sum(r.responses for r in self.response_rows)

    @cached_property
    def comment_total(self) -> int:
        return selectors.comment_rows(campaign=self.campaign).count()

    @cached_property
    def units(self):
        return selectors.report_units(
            campaign=self.campaign, extra_unit_ids={r.unit_id for r in self.response_rows}
        )

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

    def measures(self, rolled: dict, key) -> selectors.SliceMeasures:
        """The measures of one slice, empty ones for a slice without responses."""
        return rolled.get(key) or selectors.SliceMeasures(layout=self.layout)
