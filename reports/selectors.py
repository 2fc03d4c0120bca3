"""Reads and aggregates for reports and the dashboard: one SQL cube, then pure roll-ups.

The shape is deliberate. `answer_cube()` runs ONE GROUP BY over Answer ⋈ Response with
conditional counts and returns a few hundred small rows whatever the number of responses
(units × groups × channels × questions). Every table of the report (by unit, question, aspect,
group, channel, form, totals) is then a pure roll-up of those rows in Python, without touching
the database again, so all figures of a workbook come from the same snapshot and add up.

Typical use::

    cube = answer_cube(campaign=campaign)                 # one query
    layout = questionnaire_layout(campaign=campaign)     # questions and aspects
    per_unit = rollup_by_unit(cube, layout)               # {unit_id: SliceMeasures}
    totals = rollup_total(cube, layout)                   # SliceMeasures

or, for a ready list with every unit of the period (also those without responses)::

    rows = satisfaction_by_unit(campaign=campaign)        # [UnitMeasures]

Definitions (DESIGN.md "The numbers"): see `SliceMeasures`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet

from followups.models import FollowUp
from surveys.models import Answer, Campaign, Form, Quota, Response, Unit, channel_form
from surveys.stats import LevelCounts, mean_of, rate

LEVELS = (1, 2, 3, 4, 5)


# --------------------------------------------------------------------------- the cube (SQL)


class CubeRow(NamedTuple):
    """Answer counts for one (unit, respondent group, channel, question[, day]) cell.

    A NamedTuple, not a frozen dataclass: 10,000 are made in 4.5 ms instead of 22 ms, and a
    region's year on the dashboard makes 7,000 of them and of ResponseCountRow."""

    unit_id: int
    group_id: int
    channel: str
    question_id: int
    n1: int
    n2: int
    n3: int
    n4: int
    n5: int
    n_null: int  # "no opinion" (không ý kiến): left out of every rate
    day: datetime.date | None = None  # only with answer_cube(..., by_day=True)

    @property
    def counts(self) -> LevelCounts:
        return LevelCounts(self.n1, self.n2, self.n3, self.n4, self.n5)

    @property
    def form(self) -> str:
        return channel_form(self.channel).value


def campaign_q(prefix: str, campaign: Campaign | Iterable[Campaign]) -> Q:
    """One round, or several (the rounds of a year): the filter on `<prefix>campaign`."""
    if isinstance(campaign, Campaign):
        return Q(**{f"{prefix}campaign": campaign})
    return Q(**{f"{prefix}campaign__in": [c.pk for c in campaign]})


def _response_filter(
    *,
    prefix: str,
    campaign: Campaign | Iterable[Campaign],
    unit_ids: Iterable[int] | None = None,
    group_ids: Iterable[int] | None = None,
    channels: Iterable[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Q:
    """The slice filters shared by every selector, on Response fields reached through `prefix`.

    `campaign` is one round or a list of rounds (a year report counts across its rounds).
    """
    q = campaign_q(prefix, campaign)
    if unit_ids is not None:
        q &= Q(**{f"{prefix}unit_id__in": list(unit_ids)})
    if group_ids is not None:
        q &= Q(**{f"{prefix}respondent_group_id__in": list(group_ids)})
    if channels is not None:
        q &= Q(**{f"{prefix}channel__in": list(channels)})
    if date_from is not None:
        q &= Q(**{f"{prefix}answered_on__gte": date_from})
    if date_to is not None:
        q &= Q(**{f"{prefix}answered_on__lte": date_to})
    return q


def answer_cube(*, campaign: Campaign, by_day: bool = False, **filters) -> list[CubeRow]:
    """One SQL query: level counts per (unit, group, channel, question[, answered_on]).

    `filters`: unit_ids, group_ids, channels, date_from, date_to (all optional) restrict the
    responses counted. With `by_day=True` rows are also split by `Response.answered_on`, so a
    caller can roll up any period (week, month) without another query.
    """
    keys = ["response__unit_id", "response__respondent_group_id", "response__channel"]
    keys.append("question_id")
    if by_day:
        keys.append("response__answered_on")
    level_counts = {f"n{k}": Count("id", filter=Q(score=k)) for k in LEVELS}
    rows = (
        Answer.objects.filter(_response_filter(prefix="response__", campaign=campaign, **filters))
        .values(*keys)
        .annotate(**level_counts, n_null=Count("id", filter=Q(score__isnull=True)))
        .order_by()
    )
    return [
        CubeRow(
            unit_id=r["response__unit_id"],
            group_id=r["response__respondent_group_id"],
            channel=r["response__channel"],
            question_id=r["question_id"],
            n1=r["n1"],
            n2=r["n2"],
            n3=r["n3"],
            n4=r["n4"],
            n5=r["n5"],
            n_null=r["n_null"],
            day=r.get("response__answered_on"),
        )
        for r in rows
    ]


class ResponseCountRow(NamedTuple):
    unit_id: int
    group_id: int
    channel: str
    responses: int

    @property
    def form(self) -> str:
        return channel_form(self.channel).value


def response_counts(*, campaign: Campaign, **filters) -> list[ResponseCountRow]:
    """One SQL query: number of responses per (unit, group, channel). Same filters as the cube."""
    rows = (
        Response.objects.filter(_response_filter(prefix="", campaign=campaign, **filters))
        .values("unit_id", "respondent_group_id", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        ResponseCountRow(r["unit_id"], r["respondent_group_id"], r["channel"], r["n"]) for r in rows
    ]


# --------------------------------------------------------------------------- roll-up (pure)


def rolled_unit_ids(
    tree,
    unit_of: dict[int, int],
    day: datetime.date,
    *,
    surveyed: Iterable[int] = (),
    responding: Iterable[int] = (),
    within: set[int] | None = None,
) -> set[int]:
    """The units a period's table lists (DESIGN.md, roll-up through reorganisations).

    Those valid on `day` that a surveyed unit's chain leads to, and every unit that carries
    responses (`responding`: the units responses were given to, mapped by `unit_of`); a chain
    that reaches no unit valid that day keeps its own row, so totals equal the sum of rows.
    `tree` is a surveys.tree.UnitTree; `within` limits the rows (a subtree).
    """
    ids = set()
    for pk in surveyed:
        target = unit_of.get(pk, pk)
        node = tree.nodes.get(target)
        if node is not None and node.valid_on(day):
            ids.add(target)
    ids |= {unit_of.get(pk, pk) for pk in responding}
    return ids if within is None else ids & within


def subtree_chains(
    tree, unit_of: dict[int, int], day: datetime.date, *, within: set[int] | None = None
) -> dict[int, list[int]]:
    """Target unit id → the units above it (and itself) that are valid on `day` and have units
    valid that day under them: the subtotal rows (`Theo đơn vị cấp trên`, the dashboard's
    tree) that count it. Pure: walks `tree` (surveys.tree.UnitTree), no query."""
    nodes, children = tree.nodes, tree.children
    has_children = {
        pk
        for pk, node in nodes.items()
        if node.valid_on(day) and any(nodes[c].valid_on(day) for c in children.get(pk, ()))
    }
    if within is not None:
        has_children &= within
    chains: dict[int, list[int]] = {}
    for target in set(unit_of.values()):
        chain, pk, seen = [], target, set()
        while pk is not None and pk in nodes and pk not in seen:
            seen.add(pk)
            if pk in has_children:
                chain.append(pk)
            pk = nodes[pk].parent_id
        chains[target] = chain
    return chains


def rollup_subtrees(
    cube_rows: Iterable[CubeRow],
    layout: Layout,
    chains: dict[int, list[int]],
    target: Callable[[int], int],
    response_rows: Iterable[ResponseCountRow] = (),
) -> dict[int, SliceMeasures]:
    """Measures per subtotal unit: every cube row added to each unit of its target's chain."""
    out: dict[int, SliceMeasures] = defaultdict(lambda: SliceMeasures(layout=layout))
    for row in cube_rows:
        for pk in chains.get(target(row.unit_id), ()):
            out[pk].add(row)
    for row in response_rows:
        for pk in chains.get(target(row.unit_id), ()):
            out[pk].responses += row.responses
    return dict(out)


# --------------------------------------------------------------------------- questionnaire


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    code: str
    text: str
    aspect_id: int | None
    is_overall: bool


@dataclass(frozen=True)
class AspectInfo:
    id: int
    name: str
    question_ids: tuple[int, ...]


@dataclass(frozen=True)
class Layout:
    """The campaign questionnaire's questions and aspects, in display order."""

    questions: tuple[QuestionInfo, ...]
    aspects: tuple[AspectInfo, ...]

    @cached_property
    def aspect_question_ids(self) -> frozenset[int]:
        return frozenset(q.id for q in self.questions if not q.is_overall)

    @property
    def overall_question_id(self) -> int | None:
        return next((q.id for q in self.questions if q.is_overall), None)

    def question(self, question_id: int) -> QuestionInfo:
        return next(q for q in self.questions if q.id == question_id)


def questionnaire_layout(*, campaign: Campaign) -> Layout:
    """Two small queries: the questions and the aspects of the campaign's questionnaire."""
    questions = tuple(
        QuestionInfo(q.id, q.code, q.label, q.aspect_id, q.is_overall)
        for q in campaign.questionnaire.questions.order_by("sort_order", "pk")
    )
    aspects = tuple(
        AspectInfo(a.id, a.label, tuple(q.id for q in questions if q.aspect_id == a.id))
        for a in campaign.questionnaire.aspects.order_by("sort_order", "pk")
    )
    return Layout(questions=questions, aspects=aspects)


# --------------------------------------------------------------------------- measures (pure)


@dataclass
class SliceMeasures:
    """Every measure of one slice (a unit, a group, a channel, a form, everything).

    - `by_question`: level counts per question id (answers, no-opinion left out).
    - `counts`: the POOLED level counts over the aspects' questions (the overall question is
      not included); `satisfaction_rate()` etc. on it are the pooled rates of DESIGN.md.
    - `index`: SIPAS-style overall index = unweighted mean of the aspect indices, an aspect
      index being the unweighted mean of its questions' satisfaction rates. Questions or aspects
      with no valid answer in the slice are left out of the means (None if nothing is left).
    - `overall`: level counts of the overall question ("Mức độ hài lòng chung"), one answer per
      response. `overall_rate` (form-level rate, "Tỷ lệ hài lòng chung") = responses whose
      overall answer is 4 or 5 / responses with a VALID overall answer × 100: a response that
      said "no opinion" on the overall question (or has no such answer) is left out of both
      numerator and denominator, exactly as no-opinion answers are left out of every rate.
    - `responses`: number of responses, filled by the caller from `response_counts()`.
    """

    by_question: dict[int, LevelCounts] = field(default_factory=dict)
    no_opinion: dict[int, int] = field(default_factory=dict)
    layout: Layout | None = None
    responses: int = 0

    _pooled: LevelCounts | None = field(default=None, repr=False, compare=False)
    _index: tuple[float | None] | None = field(default=None, repr=False, compare=False)

    def add(self, row: CubeRow) -> None:
        qid = row.question_id
        self.by_question[qid] = self.by_question.get(qid, LevelCounts()) + row.counts
        self.no_opinion[qid] = self.no_opinion.get(qid, 0) + row.n_null
        self._pooled = self._index = None

    def merge(self, other: SliceMeasures) -> None:
        """Add another slice's counts and responses (a subtotal of already rolled-up units)."""
        for qid, counts in other.by_question.items():
            self.by_question[qid] = self.by_question.get(qid, LevelCounts()) + counts
        for qid, n in other.no_opinion.items():
            self.no_opinion[qid] = self.no_opinion.get(qid, 0) + n
        self.responses += other.responses
        self._pooled = self._index = None

    @property
    def counts(self) -> LevelCounts:
        # Kept until the next add(): a page of 600 units reads it a dozen times per row;
        # re-adding the questions each time, the year's dashboard template took 4.0 s instead
        # of 1.8 s (cProfile, bench/years.py data: 600 units, 20,000 responses).
        if self._pooled is None:
            aspect_ids = self.layout.aspect_question_ids
            total = LevelCounts()
            for qid, counts in self.by_question.items():
                if qid in aspect_ids:
                    total = total + counts
            self._pooled = total
        return self._pooled

    @property
    def no_opinion_count(self) -> int:
        """No-opinion answers over the aspects' questions (the pooled view)."""
        aspect_ids = self.layout.aspect_question_ids
        return sum(n for qid, n in self.no_opinion.items() if qid in aspect_ids)

    @property
    def overall(self) -> LevelCounts:
        qid = self.layout.overall_question_id
        return self.by_question.get(qid, LevelCounts()) if qid is not None else LevelCounts()

    def question_rate(self, question_id: int) -> float | None:
        return self.by_question.get(question_id, LevelCounts()).satisfaction_rate()

    def aspect_index(self, aspect: AspectInfo) -> float | None:
        return mean_of(self.question_rate(qid) for qid in aspect.question_ids)

    def aspect_counts(self, aspect: AspectInfo) -> LevelCounts:
        total = LevelCounts()
        for qid in aspect.question_ids:
            total = total + self.by_question.get(qid, LevelCounts())
        return total

    @property
    def index(self) -> float | None:
        # Kept until the next add(), as `counts`: the page reads it for the table and the chart
        # (200 units read twice: 3.9 ms instead of 7.0 ms).
        if self._index is None:
            self._index = (mean_of(self.aspect_index(a) for a in self.layout.aspects),)
        return self._index[0]

    @property
    def pooled_rate(self) -> float | None:
        return self.counts.satisfaction_rate()

    @property
    def overall_rate(self) -> float | None:
        return self.overall.satisfaction_rate()

    @property
    def overall_interval(self) -> tuple[float | None, float | None]:
        return interval_bounds(self.overall)


def rollup(
    cube_rows: Iterable[CubeRow],
    layout: Layout,
    key: Callable[[CubeRow], Hashable],
    response_rows: Iterable[ResponseCountRow] = (),
    response_key: Callable[[ResponseCountRow], Hashable] | None = None,
) -> dict[Hashable, SliceMeasures]:
    """Group cube rows by `key(row)` into SliceMeasures; count responses with `response_key`."""
    out: dict[Hashable, SliceMeasures] = defaultdict(lambda: SliceMeasures(layout=layout))
    for row in cube_rows:
        out[key(row)].add(row)
    for row in response_rows:
        out[(response_key or key)(row)].responses += row.responses
    return dict(out)


def rollup_by_unit(cube_rows, layout, response_rows=()) -> dict[int, SliceMeasures]:
    return rollup(cube_rows, layout, lambda r: r.unit_id, response_rows)


def rollup_by_group(cube_rows, layout, response_rows=()) -> dict[int, SliceMeasures]:
    return rollup(cube_rows, layout, lambda r: r.group_id, response_rows)


def rollup_by_channel(cube_rows, layout, response_rows=()) -> dict[str, SliceMeasures]:
    return rollup(cube_rows, layout, lambda r: r.channel, response_rows)


def rollup_by_form(cube_rows, layout, response_rows=()) -> dict[str, SliceMeasures]:
    """Keys are surveys.models.Form values: online (web, qr, portal), direct (email, paper)."""
    return rollup(cube_rows, layout, lambda r: r.form, response_rows)


def rollup_by_unit_form(cube_rows, layout, response_rows=()) -> dict[tuple, SliceMeasures]:
    return rollup(cube_rows, layout, lambda r: (r.unit_id, r.form), response_rows)


def rollup_by_day(cube_rows, layout) -> dict[datetime.date, SliceMeasures]:
    """Needs a cube built with by_day=True."""
    return rollup(cube_rows, layout, lambda r: r.day)


def rollup_total(cube_rows, layout, response_rows=()) -> SliceMeasures:
    return rollup(cube_rows, layout, lambda r: None, response_rows).get(
        None, SliceMeasures(layout=layout)
    )


def rollup_by_question(cube_rows, layout) -> dict[int, LevelCounts]:
    """Level counts per question id over the whole cube (the overall question included)."""
    return rollup_total(cube_rows, layout).by_question


def rollup_by_aspect(cube_rows, layout) -> dict[int, float | None]:
    """Aspect index (mean of its questions' satisfaction rates) per aspect id."""
    total = rollup_total(cube_rows, layout)
    return {a.id: total.aspect_index(a) for a in layout.aspects}


# --------------------------------------------------------------------------- ready-made lists


def report_units(*, campaign: Campaign, extra_unit_ids: Iterable[int] = ()) -> list[Unit]:
    """The units a report lists: those surveyed by the campaign and valid in its period.

    A unit renamed or succeeded during the period is listed with its own responses (a response
    keeps its unit) next to its successor. Units with responses are always listed, so totals
    always equal the sum of the rows.
    """
    valid = Unit.objects.valid_between(campaign.opens_on, campaign.closes_on)
    surveyed = campaign.units.filter(pk__in=valid.values("pk"))
    return list(
        Unit.objects.filter(Q(pk__in=surveyed.values("pk")) | Q(pk__in=list(extra_unit_ids)))
        .select_related("successor")
        .order_by("sort_order", "code")
    )


@dataclass
class UnitMeasures:
    unit: Unit
    measures: SliceMeasures


def satisfaction_by_unit(*, campaign: Campaign, **filters) -> list[UnitMeasures]:
    """Every unit of the period (also those without responses) with its measures. 4 queries."""
    layout = questionnaire_layout(campaign=campaign)
    per_unit = rollup_by_unit(
        answer_cube(campaign=campaign, **filters),
        layout,
        response_counts(campaign=campaign, **filters),
    )
    units = report_units(campaign=campaign, extra_unit_ids=per_unit)
    return [
        UnitMeasures(unit, per_unit.get(unit.pk) or SliceMeasures(layout=layout)) for unit in units
    ]


@dataclass(frozen=True)
class QuotaProgress:
    unit: Unit
    form: str
    minimum: int | None  # None: no quota set for this unit and form
    counted: int
    transactions: int | None = None  # the unit's transaction volume for this form, if entered

    @property
    def reached_rate(self) -> float | None:
        """Responses counted / quota × 100 (can pass 100: a quota is a floor, not a cap)."""
        return rate(self.counted, self.minimum) if self.minimum else None

    @property
    def response_rate(self) -> float | None:
        """Responses / transactions × 100 (DESIGN.md "Response rate"), where the volume is known."""
        return rate(self.counted, self.transactions) if self.transactions else None


QuotaRow = tuple  # (unit_id, form, minimum, transaction_volume)


def campaign_quota_rows(*, campaign) -> list[QuotaRow]:
    """One query: the quotas of a round (or of several rounds)."""
    return list(
        Quota.objects.filter(campaign_q("", campaign))
        .order_by()
        .values_list("unit_id", "form", "minimum", "transaction_volume")
    )


def quota_progress(
    *,
    campaign,
    response_rows: Iterable[ResponseCountRow] | None = None,
    units: list[Unit] | None = None,
    unit_of: dict[int, int] | None = None,
    quota_rows: Iterable[QuotaRow] | None = None,
) -> list[QuotaProgress]:
    """Quota vs responses per (unit, form) for every report unit and every form.

    Pass `response_rows` (from response_counts) and `units` (from report_units) to reuse
    what a caller already loaded; otherwise they are queried. `unit_of` is the roll-up map
    (surveys.tree.rollup_map): responses and quotas of a former unit count toward the unit
    that carries its history. `quota_rows` replaces the round's quotas (a year report counts
    against the yearly plan's numbers).
    """
    target = (lambda pk: unit_of.get(pk, pk)) if unit_of else (lambda pk: pk)
    if response_rows is None:
        response_rows = response_counts(campaign=campaign)
    counted: dict[tuple[int, str], int] = defaultdict(int)
    for row in response_rows:
        counted[(target(row.unit_id), row.form)] += row.responses
    quotas: dict[tuple[int, str], int] = defaultdict(int)
    volumes: dict[tuple[int, str], int] = defaultdict(int)
    if quota_rows is None:
        quota_rows = campaign_quota_rows(campaign=campaign)
    for unit_id, form, minimum, volume in quota_rows:
        key = (target(unit_id), form)
        quotas[key] += minimum
        if volume is not None:
            volumes[key] += volume
    if units is None:
        units = report_units(
            campaign=campaign, extra_unit_ids={u for u, _ in counted} | {u for u, _ in quotas}
        )
    return [
        QuotaProgress(
            unit,
            form,
            quotas.get((unit.pk, form)),
            counted.get((unit.pk, form), 0),
            volumes.get((unit.pk, form)),
        )
        for unit in units
        for form in Form.values
    ]


def interval_bounds(counts: LevelCounts) -> tuple[float | None, float | None]:
    """95% Wilson interval of the satisfaction rate as (low, high), (None, None) when N = 0."""
    interval = counts.satisfaction_interval()
    return interval if interval is not None else (None, None)


def comment_rows(*, campaign: Campaign, unit_ids: Iterable[int] | None = None) -> QuerySet:
    """Every response with a comment, oldest first, as tuples:
    (id, answered_on, unit_id, respondent_group_id, channel, comment, comment_triage).

    Plain tuples streamed with `.iterator(chunk_size=...)`: tens of thousands of comments
    cost no model instances. Follow-ups come from `comment_followups()`.
    """
    return (
        Response.objects.filter(_response_filter(prefix="", campaign=campaign, unit_ids=unit_ids))
        .exclude(comment="")
        .order_by("answered_on", "pk")
        .values_list(
            "pk", "answered_on", "unit_id", "respondent_group_id", "channel", "comment",
            "comment_triage",
        )
    )  # fmt: skip


def comment_followups(*, campaign) -> dict[int, list[FollowUp]]:
    """Response id -> the follow-ups opened on its comment (FollowUp.responses). 2 queries."""
    links = FollowUp.responses.through.objects.filter(
        campaign_q("response__", campaign)
    ).values_list("response_id", "followup_id")
    links = list(links)
    followups = FollowUp.objects.in_bulk({f for _, f in links})
    out: dict[int, list[FollowUp]] = defaultdict(list)
    for response_id, followup_id in sorted(links):
        out[response_id].append(followups[followup_id])
    return dict(out)


__all__ = [
    "AspectInfo",
    "CubeRow",
    "Layout",
    "QuestionInfo",
    "QuotaProgress",
    "ResponseCountRow",
    "SliceMeasures",
    "UnitMeasures",
    "answer_cube",
    "comment_followups",
    "comment_rows",
    "interval_bounds",
    "questionnaire_layout",
    "quota_progress",
    "report_units",
    "response_counts",
    "rollup",
    "rollup_by_aspect",
    "rollup_by_channel",
    "rollup_by_day",
    "rollup_by_form",
    "rollup_by_group",
    "rollup_by_question",
    "rollup_by_unit",
    "rollup_by_unit_form",
    "rollup_subtrees",
    "rollup_total",
    "rolled_unit_ids",
    "satisfaction_by_unit",
    "subtree_chains",
]
