"""Property tests of the report formulas over arbitrary cubes (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import selectors
from surveys.models import Channel

LAYOUT = selectors.Layout(
    questions=(
        selectors.QuestionInfo(1, "C1", "", 10, False),
        selectors.QuestionInfo(2, "C2", "", 10, False),
        selectors.QuestionInfo(3, "C3", "", 20, False),
        selectors.QuestionInfo(9, "CHUNG", "", None, True),
    ),
    aspects=(
        selectors.AspectInfo(10, "A", (1, 2)),
        selectors.AspectInfo(20, "B", (3,)),
    ),
)

count = st.integers(min_value=0, max_value=400)
cube_rows = st.lists(
    st.builds(
        selectors.CubeRow,
        unit_id=st.sampled_from([1, 2, 3]),
        group_id=st.sampled_from([1, 2]),
        channel=st.sampled_from(Channel.values),
        question_id=st.sampled_from([1, 2, 3, 9]),
        n1=count,
        n2=count,
        n3=count,
        n4=count,
        n5=count,
        n_null=count,
    ),
    max_size=30,
)


def _within(value, low=0.0, high=100.0):
    return value is None or low - 1e-9 <= value <= high + 1e-9


@settings(max_examples=200, deadline=None)
@given(cube_rows)
def test_rates_shares_and_intervals(rows):
    for m in [
        selectors.rollup_total(rows, LAYOUT),
        *selectors.rollup_by_unit(rows, LAYOUT).values(),
    ]:
        c = m.counts
        for value in (c.satisfaction_rate(), c.dissatisfaction_rate(), c.neutral_rate(), m.index,
                      m.overall_rate):  # fmt: skip
            assert _within(value)
        if c.total:
            shares = c.satisfaction_rate() + c.neutral_rate() + c.dissatisfaction_rate()
            assert shares == pytest.approx(100.0)
            low, high = selectors.interval_bounds(c)  # what every sheet writes
            assert 0 <= low <= c.satisfaction_rate() <= high <= 100
            assert 1 <= c.mean_score() <= 5
        else:
            assert c.satisfaction_rate() is None and selectors.interval_bounds(c) == (None, None)
        rates = [m.question_rate(q) for q in (1, 2, 3)]
        defined = [r for r in rates if r is not None]
        if defined:
            # Pooled rate and index are both averages of the question rates (weighted or not).
            assert _within(m.pooled_rate, min(defined), max(defined))
            assert _within(m.index, min(defined), max(defined))


@settings(max_examples=200, deadline=None)
@given(cube_rows)
def test_slices_add_up_to_the_total(rows):
    total = selectors.rollup_total(rows, LAYOUT)
    for rolled in (
        selectors.rollup_by_unit(rows, LAYOUT),
        selectors.rollup_by_group(rows, LAYOUT),
        selectors.rollup_by_channel(rows, LAYOUT),
        selectors.rollup_by_form(rows, LAYOUT),
    ):
        levels = [sum(m.counts.levels[k] for m in rolled.values()) for k in range(5)]
        assert tuple(levels) == total.counts.levels
        assert sum(m.overall.total for m in rolled.values()) == total.overall.total
        assert sum(m.no_opinion_count for m in rolled.values()) == total.no_opinion_count


@settings(max_examples=100, deadline=None)
@given(cube_rows)
def test_overall_question_never_enters_pooled_counts(rows):
    without_overall = [r for r in rows if r.question_id != 9]
    assert (
        selectors.rollup_total(rows, LAYOUT).counts
        == selectors.rollup_total(without_overall, LAYOUT).counts
    )
