"""Everything the sheets of one workbook share, computed once (a handful of SQL queries).

A report covers one round, or a year (every non-draft round of that year, of one root or of
all). Either way its units are those valid on the period's last day, and each counts the
responses of every unit whose successor chain leads to it (DESIGN.md, roll-up through
reorganisations): `unit_of` maps every unit id to the unit it is counted under, and every
roll-up below groups the cube by `target(unit_id)` — a mapping on the cube rows, no query per
unit.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from functools import cached_property

from django.utils import timezone

from reports import selectors
from surveys.models import Campaign, Question, RespondentGroup, Unit
from surveys.tree import UnitTree

ProgressCallback = Callable[[int, str], None]


class ReportContext:
    """The period's cube and its roll-ups. Sheets read these; none queries the cube again."""

    def __init__(
        self,
        campaign: Campaign,
        progress: ProgressCallback | None = None,
        *,
        unit: Unit | None = None,
        variant: str = "internal",
        run_id: int | None = None,
        campaigns: list[Campaign] | None = None,
        year: int | None = None,
        year_root: Unit | None = None,
    ):
        # `campaign` is the round (or the year's last round: its questionnaire lays the
        # report out); `campaigns` the rounds counted, `scope` what the selectors filter on.
        self.campaign = campaign
        self.campaigns = list(campaigns) if campaigns else [campaign]
        self.year, self.year_root = year, year_root
        self.scope = campaign if year is None else self.campaigns
        self.opens_on = min(c.opens_on for c in self.campaigns)
        self.closes_on = max(c.closes_on for c in self.campaigns)
        self.progress = progress or (lambda percent, note: None)
        self.generated_at = timezone.localtime()
        self.unit, self.variant, self.run_id = unit, variant, run_id
        self.tree = UnitTree.load()
        self.unit_of: dict[int, int] = self.tree.rollup_map(units_on=self.closes_on)
        # With a unit: the subtree's units (`target_ids`), and every unit whose history is
        # counted under one of them (`unit_ids`, what the selectors filter on).
        self.unit_ids: set[int] | None = None
        self.target_ids: set[int] | None = None
        if unit is not None:
            self.target_ids = self.tree.subtree_ids(unit.pk)
            self.unit_ids = {pk for pk, t in self.unit_of.items() if t in self.target_ids}

    @property
    def is_year(self) -> bool:
        return self.year is not None

    def target(self, unit_id: int) -> int:
        return self.unit_of.get(unit_id, unit_id)

    @property
    def filters(self) -> dict:
        """The slice filters of the selectors: the unit's subtree, or nothing."""
        return {} if self.unit_ids is None else {"unit_ids": self.unit_ids}

    @cached_property
    def root(self) -> Unit | None:
        """Whose report it is: the unit of a unit report, the root of the round or year."""
        if self.unit is not None:
            return self.unit
        if self.year_root is not None:
            return self.year_root
        roots = {c.root_id for c in self.campaigns}
        if len(roots) == 1 and None not in roots:
            return Unit.objects.filter(pk=roots.pop()).first()
        if self.is_year:
            return None  # the rounds of several roots: the whole Treasury
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
        rows = selectors.answer_cube(campaign=self.scope, **self.filters)
        if len({c.questionnaire_id for c in self.campaigns}) == 1:
            return rows
        # Rounds of one year on different questionnaire versions: a question is the same
        # question by its code (the codes are fixed, DESIGN.md), counted on this layout's.
        ids = {q.code: q.id for q in self.layout.questions}
        same = {
            pk: ids[code]
            for pk, code in Question.objects.filter(
                questionnaire_id__in={c.questionnaire_id for c in self.campaigns}
            ).values_list("pk", "code")
            if code in ids
        }
        return [
            r._replace(question_id=same[r.question_id])
            for r in rows
            if r.question_id in same
        ]

    @cached_property
    def response_rows(self) -> list[selectors.ResponseCountRow]:
        return selectors.response_counts(campaign=self.scope, **self.filters)

    @cached_property
    def response_total(self) -> int:
        return sum(r.responses for r in self.response_rows)

    @cached_property
    def comment_total(self) -> int:
        return selectors.comment_rows(campaign=self.scope, unit_ids=self.unit_ids).count()

    @cached_property
    def units(self) -> list[Unit]:
        """The units valid on the period's last day that were surveyed or carry responses.

        A unit whose responses roll up into another is not listed: its successor counts them
        (`Gồm đơn vị cũ`). A unit whose chain reaches no unit valid that day (a split or a
        closed unit with responses) is listed under its own code, so totals always equal the
        sum of the rows.
        """
        surveyed = Unit.objects.filter(campaigns__in=[c.pk for c in self.campaigns]).values_list(
            "pk", flat=True
        )
        ids = selectors.rolled_unit_ids(
            self.tree, self.unit_of, self.closes_on, surveyed=set(surveyed),
            responding={r.unit_id for r in self.response_rows}, within=self.target_ids,
        )  # fmt: skip
        return list(Unit.objects.filter(pk__in=ids).order_by("sort_order", "code"))

    @cached_property
    def unit_names(self) -> dict[int, tuple[str, str]]:
        """Code and name of every listed unit and every unit a response was given to."""
        names = {u.pk: (u.code, u.name) for u in self.units}
        given = {r.unit_id for r in self.response_rows} - set(names)
        if given:
            names.update(
                (pk, (code, name))
                for pk, code, name in Unit.objects.filter(pk__in=given).values_list(
                    "pk", "code", "name"
                )
            )
        return names

    def parent_code(self, unit: Unit) -> str:
        parent = self.tree.nodes.get(unit.parent_id) if unit.parent_id else None
        return parent.code if parent else ""

    @cached_property
    def former_codes(self) -> dict[int, list[str]]:
        """`Gồm đơn vị cũ`: listed unit id → the codes of the former units it counts."""
        return self.tree.former_codes(self.unit_of)

    @cached_property
    def groups(self) -> list[RespondentGroup]:
        used = {r.group_id for r in self.response_rows}
        return [g for g in RespondentGroup.objects.all() if g.is_active or g.pk in used]

    @cached_property
    def total(self) -> selectors.SliceMeasures:
        return selectors.rollup_total(self.cube, self.layout, self.response_rows)

    @cached_property
    def by_unit(self):
        """Measures per listed unit, rolled up through the successor chains."""
        return selectors.rollup(
            self.cube, self.layout, lambda r: self.target(r.unit_id), self.response_rows
        )

    @cached_property
    def by_group(self):
        return selectors.rollup_by_group(self.cube, self.layout, self.response_rows)

    @cached_property
    def by_channel(self):
        return selectors.rollup_by_channel(self.cube, self.layout, self.response_rows)

    @cached_property
    def by_form(self):
        return selectors.rollup_by_form(self.cube, self.layout, self.response_rows)

    # ----------------------------------------------------------------- the tree's subtotals

    @cached_property
    def _parent_chains(self) -> dict[int, list[int]]:
        return selectors.subtree_chains(
            self.tree, self.unit_of, self.closes_on, within=self.target_ids
        )

    @cached_property
    def by_parent(self) -> dict[int, selectors.SliceMeasures]:
        """Per unit with units under it: its whole subtree's measures, rolled up."""
        return selectors.rollup_subtrees(
            self.cube, self.layout, self._parent_chains, self.target, self.response_rows
        )

    @cached_property
    def parents(self) -> list[tuple[Unit, int]]:
        """(unit, number of listed units in its subtree) for each row of the subtotals sheet."""
        counted: dict[int, int] = defaultdict(int)
        for unit in self.units:
            for pk in self._parent_chains.get(unit.pk, ()):
                counted[pk] += 1
        for pk in self.by_parent:
            counted.setdefault(pk, 0)
        units = Unit.objects.filter(pk__in=counted).order_by("sort_order", "code")
        return [(u, counted[u.pk]) for u in units]

    # ----------------------------------------------------------------- quotas, comparison

    def quota_rows(self) -> list[selectors.QuotaRow]:
        """The round's quotas; in a year report the yearly plan's numbers per unit and form."""
        if not self.is_year:
            return selectors.campaign_quota_rows(campaign=self.scope)
        from organisation.selectors import yearly_plan_rows

        roots = {c.root_id for c in self.campaigns} - {None}
        if self.year_root is not None:
            roots = {self.year_root.pk}
        return yearly_plan_rows(year=self.year, root_ids=roots or None)

    @cached_property
    def quota_progress(self) -> list[selectors.QuotaProgress]:
        return selectors.quota_progress(
            campaign=self.scope,
            response_rows=self.response_rows,
            units=self.units,
            unit_of=self.unit_of,
            quota_rows=self.quota_rows(),
        )

    @cached_property
    def yearly_participation(self) -> dict[str, int]:
        """Form → the participation number Sở Nội vụ set for the year (year reports)."""
        if not self.is_year:
            return {}
        from organisation.models import YearlyPlan

        plans = YearlyPlan.objects.filter(year=self.year)
        roots = {self.year_root.pk} if self.year_root else {c.root_id for c in self.campaigns}
        plans = plans.filter(root_id__in=roots - {None})
        out: dict[str, int] = defaultdict(int)
        for form, number in plans.values_list("form", "participation"):
            out[form] += number
        return dict(out)

    @cached_property
    def previous_round(self):
        from reports.comparison import earlier_measures, previous_round

        if self.is_year:
            return None  # a year compares with the year before
        return earlier_measures(self, previous_round(self.campaign))

    @cached_property
    def previous_year(self):
        from reports.comparison import earlier_measures, previous_year, rounds_of_year

        if self.is_year:
            earlier = rounds_of_year(self.year - 1, root=self.year_root, like=self.campaigns)
            return earlier_measures(self, earlier or None)
        return earlier_measures(self, previous_year(self.campaign))

    def measures(self, rolled: dict, key) -> selectors.SliceMeasures:
        """The measures of one slice, empty ones for a slice without responses."""
        return rolled.get(key) or selectors.SliceMeasures(layout=self.layout)

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return self.opens_on, self.closes_on


class NoRoundsError(ValueError):
    """A year (of a root) without any round that is not a draft."""


def report_context(
    *,
    campaign: Campaign | None = None,
    year: int | None = None,
    root: Unit | None = None,
    **options,
) -> ReportContext:
    """The context of a round's report, or of a year's (every non-draft round of `year`, of
    `root` or of every root). `options`: progress, unit, variant, run_id."""
    if year is None:
        return ReportContext(campaign, **options)
    from reports.comparison import rounds_of_year

    rounds = rounds_of_year(year, root=root)
    if not rounds:
        raise NoRoundsError(year)
    return ReportContext(rounds[-1], campaigns=rounds, year=year, year_root=root, **options)
