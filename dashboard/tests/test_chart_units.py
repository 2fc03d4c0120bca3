"""The chart by unit answers "who is better?" at a glance: sorted rows, an axis that starts where
the figures are (and says so), small bases marked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboard.charts import axis_start, chart_data
from dashboard.selectors import dashboard_data
from surveys.tests import factories


def test_the_axis_starts_below_the_lowest_interval_on_a_multiple_of_five():
    assert axis_start([88.2, 93.0]) == 80
    assert axis_start([97.4]) == 90
    assert axis_start([3.0]) == 0
    assert axis_start([]) == 0


@pytest.mark.django_db
def test_units_are_sorted_with_their_n_and_the_small_bases_marked(client):
    high = factories.make_unit("CAO", name="Phòng Cao")
    low = factories.make_unit("THAP", name="Phòng Thấp")
    campaign = factories.make_campaign([high, low], slug="dot-bieu-do")
    for i in range(4):
        factories.make_response(campaign, low, score=4 if i else 2)
    for _ in range(5):
        factories.make_response(campaign, high, score=5)
    units = chart_data(dashboard_data(campaign=campaign))["units"]
    # 100% before 75%; N counts the valid answers over the aspects' questions (10 per form).
    assert units["labels"] == ["Phòng Cao (N = 50)", "Phòng Thấp (N = 40)"]
    assert units["rate"] == [100.0, 75.0]
    assert units["axisMin"] == axis_start([units["interval"][1][0]]) > 0
    client.force_login(factories.leadership())
    page = client.get(reverse("dashboard:index"), {"campaign": campaign.slug}).content.decode()
    assert 'id="chart-units-note"' in page and f"{units['axisMin']:.0f}%" in page


@pytest.mark.django_db
def test_a_unit_under_thirty_answers_is_marked_small_base(client):
    unit = factories.make_unit("NHO", name="Phòng Nhỏ")
    campaign = factories.make_campaign([unit], slug="dot-nho")
    factories.make_response(campaign, unit, score=5)
    factories.make_response(campaign, unit, score=4)
    units = chart_data(dashboard_data(campaign=campaign))["units"]
    assert units["labels"] == ["Phòng Nhỏ (N = 20) – cỡ mẫu nhỏ"]
    client.force_login(factories.leadership())
    page = client.get(reverse("dashboard:index"), {"campaign": campaign.slug}).content.decode()
    assert "cỡ mẫu nhỏ" in page
