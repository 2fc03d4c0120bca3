from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.selectors import dashboard_data
from reports.selectors import (
    answer_cube,
    questionnaire_layout,
    response_counts,
    rollup_by_channel,
    rollup_by_group,
    rollup_total,
    satisfaction_by_unit,
)
from surveys.models import Channel, Form, Quota
from surveys.tests import factories


@pytest.fixture
def setup(db):
    a = factories.make_unit("DA", name="Phòng Kiểm soát chi")
    b = factories.make_unit("DB", name="KBNN Hải Châu")
    campaign = factories.make_campaign([a, b], slug="dot-dash")
    for i in range(6):
        factories.make_response(campaign, a, score=5 if i % 2 else 4)
    factories.make_response(campaign, a, channel=Channel.QR, score=2)
    for _ in range(3):
        factories.make_response(campaign, b, score=3, group_code="budget_user")
    Quota.objects.create(campaign=campaign, unit=a, form=Form.ONLINE, minimum=10)
    Quota.objects.create(campaign=campaign, unit=b, form=Form.ONLINE, minimum=500)
    return campaign, a, b


def test_numbers_are_the_reports_numbers(setup):
    campaign, a, b = setup
    dash = dashboard_data(campaign=campaign)
    report = {row.unit.pk: row.measures for row in satisfaction_by_unit(campaign=campaign)}
    for row in dash.units:
        expected = report[row.unit.pk]
        assert row.measures.counts == expected.counts
        assert row.measures.index == expected.index
        assert row.measures.responses == expected.responses
    assert dash.total.responses == 10
    # Channels, groups and totals too: the same roll-ups over the raw cube.
    cube, layout = answer_cube(campaign=campaign), questionnaire_layout(campaign=campaign)
    rows = response_counts(campaign=campaign)
    by_channel = rollup_by_channel(cube, layout, rows)
    assert {
        c.key: (c.measures.counts, c.measures.index, c.measures.responses) for c in dash.channels
    } == {k: (m.counts, m.index, m.responses) for k, m in by_channel.items()}
    by_group = rollup_by_group(cube, layout, rows)
    assert {g.key: (g.measures.counts, g.measures.overall_rate) for g in dash.groups} == {
        k: (m.counts, m.overall_rate) for k, m in by_group.items()
    }
    total = rollup_total(cube, layout, rows)
    assert (dash.total.counts, dash.total.index, dash.total.overall) == (
        total.counts,
        total.index,
        total.overall,
    )
    assert dash.trend[-1].measures.index == total.index
    assert [p.measures.responses for p in dash.trend][-1] == 10


def test_pace_warning(setup):
    campaign, a, b = setup
    rows = {
        (q.progress.unit.pk, q.progress.form): q for q in dashboard_data(campaign=campaign).quotas
    }
    # 7 of 10 after 11 of 21 days: on track; 3 of 500: will not make it.
    assert not rows[(a.pk, Form.ONLINE)].behind
    assert rows[(b.pk, Form.ONLINE)].behind
    later = dashboard_data(campaign=campaign, today=campaign.closes_on)
    assert {(q.progress.unit.pk, q.progress.form) for q in later.quotas if q.behind} == {
        (a.pk, Form.ONLINE),
        (b.pk, Form.ONLINE),
    }


def test_dashboard_page_for_each_role(client, setup):
    campaign, a, b = setup
    assert client.get(reverse("dashboard:index")).status_code == 302
    client.force_login(factories.leadership())
    page = client.get(reverse("dashboard:index"), {"campaign": campaign.slug})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Phòng Kiểm soát chi" in body and "KBNN Hải Châu" in body
    assert "chart.umd.min.js" in body and 'id="dashboard-data"' in body
    assert 'id="table-signals"' not in body  # signals are for the survey team
    assert "Sẽ không đạt chỉ tiêu" in body

    client.force_login(factories.unit_manager(a, "m.a"))
    body = client.get(reverse("dashboard:index"), {"campaign": campaign.slug}).content.decode()
    assert "Phòng Kiểm soát chi" in body and "KBNN Hải Châu" not in body
    body = client.get(reverse("dashboard:quota"), {"campaign": campaign.slug}).content.decode()
    assert "Phòng Kiểm soát chi" in body and "KBNN Hải Châu" not in body

    client.force_login(factories.make_user("nobody", is_staff=True))
    assert client.get(reverse("dashboard:index")).status_code == 403
    client.force_login(factories.survey_team())
    assert client.get(reverse("dashboard:index"), {"campaign": "khong-co"}).status_code == 404
    for name in ("dashboard:index", "dashboard:quota"):  # not a slug: not found, never a 500
        assert client.get(reverse(name), {"campaign": "dot\x00"}).status_code == 404


def test_survey_team_sees_and_refreshes_signals(client, setup, django_capture_on_commit_callbacks):
    campaign, a, b = setup
    client.force_login(factories.survey_team())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard:signals_refresh"), {"campaign": campaign.slug})
    assert response.status_code == 302
    body = client.get(reverse("dashboard:index"), {"campaign": campaign.slug}).content.decode()
    assert 'id="table-signals"' in body and "Đã tính lúc" in body
    client.force_login(factories.leadership())
    assert (
        client.post(reverse("dashboard:signals_refresh"), {"campaign": campaign.slug}).status_code
        == 403
    )


def test_dashboard_query_count_does_not_grow_with_responses(
    client, setup, django_assert_max_num_queries
):
    campaign, a, b = setup
    client.force_login(factories.leadership())
    # 26: the page's own, plus one per staff request for the second factor's device check.
    with django_assert_max_num_queries(26):
        client.get(reverse("dashboard:index"), {"campaign": campaign.slug})
    for _ in range(5):
        factories.make_response(
            campaign, b, score=4, now=timezone.now() - datetime.timedelta(days=2)
        )
    with django_assert_max_num_queries(26):
        client.get(reverse("dashboard:index"), {"campaign": campaign.slug})


def test_dashboard_before_any_round(client, db):
    client.force_login(factories.leadership())
    for name in ("dashboard:index", "dashboard:quota"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "Chưa có đợt khảo sát nào." in response.content.decode()


def test_aspects_carry_index_and_pooled_counts(setup):
    campaign, a, b = setup
    dash = dashboard_data(campaign=campaign)
    cube, layout = answer_cube(campaign=campaign), questionnaire_layout(campaign=campaign)
    total = rollup_total(cube, layout)
    for row in dash.aspects:
        assert row.index == total.aspect_index(row.aspect)
        assert row.counts == total.aspect_counts(row.aspect)


def test_the_overall_index_carries_its_n(client, setup):
    """Every rate with its N, the overall index included (issue 18)."""
    campaign, a, b = setup
    client.force_login(factories.leadership())
    body = client.get(reverse("dashboard:index"), {"campaign": campaign.slug}).content.decode()
    # 10 responses, each answering the ten aspect questions with a score.
    assert '<div class="small" id="index-n">N = 100</div>' in body


def test_a_regions_dashboard_lists_only_the_quotas_behind_and_the_quota_page_lists_all(client, db):
    """Over 30 quota rows (a region) /dashboard/ lists those behind the pace, and says so."""
    units = [factories.make_unit(f"Q{i:02d}") for i in range(16)]
    campaign = factories.make_campaign(units, slug="dot-region")
    for unit in units:
        for form in (Form.ONLINE, Form.DIRECT):
            Quota.objects.create(campaign=campaign, unit=unit, form=form, minimum=1)
    Quota.objects.filter(campaign=campaign, unit=units[3], form=Form.ONLINE).update(minimum=900)
    for unit in units:  # every quota of 1 is reached at once; Q03's 900 online will not be
        factories.make_response(campaign, unit, channel=Channel.WEB, score=4)
        factories.make_response(campaign, unit, channel=Channel.PAPER, score=4)
    client.force_login(factories.leadership())
    page = client.get(reverse("dashboard:index"), {"campaign": campaign.slug}).content.decode()
    section = page[page.index('id="quota"') : page.index('id="h-days"')]
    assert 'id="quota-shortened"' in section and "Trong 32 chỉ tiêu" in section
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    assert body.count("<tr") == 1 and units[3].name in body and "table-warning" in body
    quota_page = client.get(reverse("dashboard:quota"), {"campaign": campaign.slug}).content
    listed = quota_page.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert listed.count("<tr") == 32 and 'id="quota-shortened"' not in quota_page.decode()
