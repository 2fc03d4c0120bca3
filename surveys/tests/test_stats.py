import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.stats import LevelCounts, mean_of, proposed_quota, rate, wilson_interval


def test_worked_example_of_design():
    counts = LevelCounts.of((0, 1, 3, 96, 100))
    assert counts.total == 200
    assert counts.satisfaction_rate() == pytest.approx(98.0)
    assert counts.dissatisfaction_rate() == pytest.approx(0.5)
    assert counts.neutral_rate() == pytest.approx(1.5)
    assert counts.mean_score() == pytest.approx(4.475)


def test_no_valid_answer_gives_no_rate_rather_than_zero():
    empty = LevelCounts()
    assert empty.satisfaction_rate() is None
    assert empty.mean_score() is None
    assert empty.satisfaction_interval() is None
    assert rate(0, 0) is None


def test_wilson_interval_known_value():
    # Closed forms: 0 of n gives [0, z²/(n+z²)]; n of n gives [n/(n+z²), 100].
    z2 = 1.959963984540054**2
    assert wilson_interval(0, 10) == pytest.approx((0.0, 100 * z2 / (10 + z2)))
    assert wilson_interval(10, 10) == pytest.approx((100 * 10 / (10 + z2), 100.0))
    # General case against the equivalent "quadratic root" form of the interval.
    n, k = 263, 81
    p = k / n
    root = 1.959963984540054 * math.sqrt(z2 + 4 * n * p * (1 - p))
    expected = ((2 * k + z2 - root) / (2 * (n + z2)), (2 * k + z2 + root) / (2 * (n + z2)))
    assert wilson_interval(k, n) == pytest.approx((100 * expected[0], 100 * expected[1]))


def test_small_sample_interval_is_wider():
    small = wilson_interval(149, 150)
    large = wilson_interval(1940, 2000)
    assert small[1] - small[0] > large[1] - large[0]


def test_index_is_unweighted_mean_of_defined_values():
    assert mean_of([90.0, None, 100.0]) == pytest.approx(95.0)
    assert mean_of([None]) is None


def test_proposed_quota_formula():
    assert proposed_quota(10_000) == math.ceil(10_000 / (1 + 10_000 * 0.0025))  # 385
    assert proposed_quota(0) == 0


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=5, max_size=5))
def test_rates_are_shares_that_sum_to_100(levels):
    counts = LevelCounts.of(levels)
    if counts.total == 0:
        assert counts.satisfaction_rate() is None
        return
    sat, dis, neu = counts.satisfaction_rate(), counts.dissatisfaction_rate(), counts.neutral_rate()
    assert 0 <= sat <= 100 and 0 <= dis <= 100 and 0 <= neu <= 100
    assert sat + dis + neu == pytest.approx(100.0)
    assert 1 <= counts.mean_score() <= 5
    low, high = counts.satisfaction_interval()
    assert 0 <= low <= sat <= high <= 100


@given(st.integers(min_value=1, max_value=100_000))
def test_interval_contains_the_rate_at_the_extremes(n):
    low, high = wilson_interval(n, n)
    assert high == 100.0 and low <= 100.0
    low, high = wilson_interval(0, n)
    assert low == 0.0 and high >= 0.0
