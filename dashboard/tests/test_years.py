"""The dashboard over a year and across a reorganisation: rolled up onto the units valid on
the period's last day, the trend by year, the region expanded into its units, the quota page
against the yearly plan; every figure checked against a recomputation from the raw answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboard.selectors import Period, dashboard_data, quota_rows
from reports.tests.recompute import FORMS, Recomputed
from reports.tests.years import build_years
from surveys.tests import factories


@pytest.fixture
def years(db):
    return build_years(per_unit=4)


def _codes(dash) -> dict[str, object]:
    return {row.unit.code: row.measures for row in dash.units}


def test_a_year_counts_each_unit_with_its_former_units(years):
    dash = dashboard_data(period=Period.of_year(2025))
    raw = Recomputed(years.rounds_2025)
    units = _codes(dash)
    assert set(units) == {"A", "M", "S", "S1", "S2", "N2"}
    for code, former in {"M": ("P1", "P2"), "N2": ("N",), "S": (), "A": ()}.items():
        rids = raw.slice(lambda r, c=(code, *former): r.unit.code in c)
        expected = raw.measures(rids)
        assert units[code].responses == len(rids)
        assert units[code].pooled_rate == pytest.approx(expected["Tỷ lệ hài lòng (%)"])
        assert units[code].counts.total == expected["Số câu trả lời hợp lệ (N)"]
    assert dash.total.responses == len(raw.responses) == sum(m.responses for m in units.values())
    # The region, expanded: its subtree's totals, then its units under it.
    [region] = dash.tree
    assert region.unit.code == "KV" and region.measures.responses == len(raw.responses)
    whole = raw.measures(list(raw.responses))
    assert region.measures.pooled_rate == pytest.approx(whole["Tỷ lệ hài lòng (%)"])
    assert region.measures.index == pytest.approx(whole["Chỉ số hài lòng (%)"])
    assert region.measures.counts.total == whole["Số câu trả lời hợp lệ (N)"]
    assert {row.unit.code for row in region.leaves} == set(units)


def test_a_unit_manager_of_the_merged_unit_sees_the_history_it_carries(years):
    m = years.units["M"]
    dash = dashboard_data(period=Period.of_year(2025), unit_ids=[m.pk])
    raw = Recomputed(years.rounds_2025)
    assert list(_codes(dash)) == ["M"]
    assert dash.total.responses == len(raw.slice(lambda r: r.unit.code in ("M", "P1", "P2")))


def test_a_round_lists_the_units_valid_on_its_own_last_day(years):
    before, after = years.rounds_2025
    assert {"P1", "P2", "S", "N"} <= set(_codes(dashboard_data(campaign=before)))
    units = _codes(dashboard_data(campaign=after))
    assert "P1" not in units and units["M"].responses == len(
        Recomputed(after).slice(lambda r: r.unit.code == "M")
    )


def test_the_trend_by_year_pools_each_years_rounds(years):
    dash = dashboard_data(period=Period.of_year(2025))
    assert [p.year for p in dash.years] == [2024, 2025]
    for point, rounds in zip(dash.years, (years.rounds_2024, years.rounds_2025), strict=True):
        raw = Recomputed(rounds)
        expected = raw.measures(list(raw.responses))
        assert point.rounds == 2 and point.measures.responses == len(raw.responses)
        assert point.measures.pooled_rate == pytest.approx(expected["Tỷ lệ hài lòng (%)"])
        assert point.measures.index == pytest.approx(expected["Chỉ số hài lòng (%)"])
        assert point.measures.counts.total == expected["Số câu trả lời hợp lệ (N)"]


def test_the_year_quota_counts_every_round_against_the_yearly_plan(years):
    rows = {(q.progress.unit.code, q.progress.form): q.progress
            for q in quota_rows(period=Period.of_year(2025))}  # fmt: skip
    raw = Recomputed(years.rounds_2025)
    online_m = raw.slice(
        lambda r: r.unit.code in ("M", "P1", "P2") and FORMS[r.channel] == "online"
    )
    assert (rows[("M", "online")].minimum, rows[("M", "online")].counted) == (25, len(online_m))
    assert rows[("A", "online")].minimum == 12 and rows[("S1", "online")].minimum is None


def test_the_pages_offer_a_year_and_refuse_a_bad_one(client, years):
    client.force_login(factories.leadership(unit=years.root))
    page = client.get(reverse("dashboard:index"), {"year": "2025"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Năm 2025" in body and "Đợt 1 năm 2025; Đợt 2 năm 2025" in body
    assert '<details class="border rounded px-3 py-2 mb-2 unit-tree-node" data-unit="KV">' in body
    assert 'id="table-years"' in body and '<option value="2025" selected>' in body
    assert "?year=2025" in body  # the quota link keeps the year
    quota = client.get(reverse("dashboard:quota"), {"year": "2025"})
    assert quota.status_code == 200 and "Phòng Giao dịch số 1" in quota.content.decode()
    for bad in ("1999", "20x5", "２０２５", "2025\x00", "12345"):
        assert client.get(reverse("dashboard:index"), {"year": bad}).status_code == 404
        assert client.get(reverse("dashboard:quota"), {"year": bad}).status_code == 404


def test_a_signal_on_a_former_unit_names_the_unit_now_carrying_it(client, years):
    import datetime

    from dashboard.models import SignalKind, StuffingSignal

    StuffingSignal.objects.create(
        campaign=years.rounds_2025[0], unit=years.units["P1"], day=datetime.date(2025, 2, 3),
        kind=SignalKind.values[0], measure=1.0, detail="thử", response_count=0,
    )  # fmt: skip
    client.force_login(factories.survey_team(unit=years.root))
    body = client.get(reverse("dashboard:index"), {"year": "2025"}).content.decode()
    assert "KBNN Hải Châu <span" in body and "(nay tính vào Phòng Giao dịch số 1)" in body
    # The round before the merge shows it as it was, with nothing carried elsewhere.
    round_1 = client.get(reverse("dashboard:index"), {"campaign": years.rounds_2025[0].slug})
    assert "nay tính vào" not in round_1.content.decode()
