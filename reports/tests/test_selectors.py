from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import selectors
from reports.tests.dataset import build_dataset
from surveys.models import Answer, Channel, Response, channel_form
from surveys.tests import factories


def _raw(campaign, **where):
    """(unit_id, group_id, channel, question_id, score) of every answer, straight from the rows."""
    return [
        (a.response.unit_id, a.response.respondent_group_id, a.response.channel, a.question_id,
         a.score)
        for a in Answer.objects.filter(response__campaign=campaign, **where).select_related(
            "response"
        )
    ]  # fmt: skip


@pytest.mark.django_db
def test_cube_is_one_query_and_matches_raw_answers():
    data = build_dataset(per_cell=2)
    with CaptureQueriesContext(connection) as ctx:
        cube = selectors.answer_cube(campaign=data.campaign)
    assert len(ctx.captured_queries) == 1
    expected = Counter((u, g, c, q, s) for u, g, c, q, s in _raw(data.campaign))
    got = Counter()
    for row in cube:
        for level, n in zip((1, 2, 3, 4, 5, None), (*row.counts.levels, row.n_null), strict=True):
            if n:
                got[(row.unit_id, row.group_id, row.channel, row.question_id, level)] += n
    assert got == expected


@pytest.mark.django_db
def test_cube_filters_and_by_day():
    data = build_dataset(per_cell=1)
    only_paper = selectors.answer_cube(campaign=data.campaign, channels=[Channel.PAPER])
    assert {r.channel for r in only_paper} == {Channel.PAPER}
    per_day = selectors.answer_cube(campaign=data.campaign, by_day=True)
    assert all(r.day is not None for r in per_day)
    layout = selectors.questionnaire_layout(campaign=data.campaign)
    by_day = selectors.rollup_by_day(per_day, layout)
    assert (
        sum(m.counts.total for m in by_day.values())
        == selectors.rollup_total(
            selectors.answer_cube(campaign=data.campaign), layout
        ).counts.total
    )


def test_rollup_worked_example_of_design():
    layout = selectors.Layout(
        questions=(
            selectors.QuestionInfo(1, "C5", "Thái độ", 10, False),
            selectors.QuestionInfo(2, "CHUNG", "Chung", None, True),
        ),
        aspects=(selectors.AspectInfo(10, "Công chức", (1,)),),
    )
    cube = [
        selectors.CubeRow(7, 1, "web", 1, 0, 1, 3, 50, 60, 4),
        selectors.CubeRow(7, 2, "paper", 1, 0, 0, 0, 46, 40, 0),
        selectors.CubeRow(7, 2, "paper", 2, 0, 0, 1, 1, 0, 3),
    ]
    unit = selectors.rollup_by_unit(cube, layout)[7]
    assert unit.counts.levels == (0, 1, 3, 96, 100)
    assert unit.pooled_rate == pytest.approx(98.0)
    assert unit.counts.dissatisfaction_rate() == pytest.approx(0.5)
    assert unit.counts.neutral_rate() == pytest.approx(1.5)
    assert unit.counts.mean_score() == pytest.approx(4.475)
    assert unit.index == pytest.approx(98.0)
    assert unit.no_opinion_count == 4  # the overall question's no-opinion is not pooled
    # Form-level rate: one of two valid overall answers is 4/5; 3 no-opinion are left out.
    assert unit.overall_rate == pytest.approx(50.0)
    forms = selectors.rollup_by_form(cube, layout)
    assert set(forms) == {"online", "direct"}
    assert forms["online"].counts.total == 114


@pytest.mark.django_db
def test_satisfaction_by_unit_lists_period_units_with_and_without_responses():
    data = build_dataset(per_cell=1)
    rows = selectors.satisfaction_by_unit(campaign=data.campaign)
    assert [r.unit.code for r in rows] == ["A", "OLD", "NEW", "EMPTY"]
    empty = rows[3].measures
    assert empty.responses == 0 and empty.pooled_rate is None and empty.index is None
    # A succeeded unit keeps its own responses: 2 groups × every channel × 1.
    assert rows[1].measures.responses == 2 * len(Channel.values)
    assert sum(r.measures.responses for r in rows) == Response.objects.count()


@pytest.mark.django_db
def test_response_counts_and_quota_progress():
    data = build_dataset(per_cell=2)
    counts = selectors.response_counts(campaign=data.campaign)
    assert sum(r.responses for r in counts) == Response.objects.count()
    progress = {(p.unit.code, p.form): p for p in selectors.quota_progress(campaign=data.campaign)}
    online_a = Response.objects.filter(
        unit__code="A", channel__in=[c for c in Channel.values if channel_form(c) == "online"]
    ).count()
    assert progress[("A", "online")].counted == online_a
    assert progress[("A", "online")].reached_rate == pytest.approx(online_a * 100 / 10)
    assert progress[("EMPTY", "direct")].counted == 0
    assert progress[("EMPTY", "direct")].reached_rate == 0
    assert progress[("NEW", "online")].minimum is None


@pytest.mark.django_db
def test_responses_of_other_campaigns_are_not_counted():
    data = build_dataset(per_cell=1)
    other = factories.make_campaign([data.units[0]])
    factories.make_response(other, data.units[0])
    total = selectors.rollup_total(
        selectors.answer_cube(campaign=data.campaign),
        selectors.questionnaire_layout(campaign=data.campaign),
        selectors.response_counts(campaign=data.campaign),
    )
    assert total.responses == Response.objects.filter(campaign=data.campaign).count()
