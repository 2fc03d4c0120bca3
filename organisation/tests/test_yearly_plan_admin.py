"""The yearly plan in the admin, and the proposed minimum beside every quota field."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.urls import reverse

from organisation.models import YearlyPlan, YearlyPlanUnit
from surveys.models import Form, Quota, UnitKind
from surveys.stats import proposed_quota
from surveys.tests import factories
from surveys.tests.factories import make_campaign, make_unit


@pytest.fixture
def region(db):
    root = make_unit("KV12", kind=UnitKind.REGIONAL)
    return {
        "root": root,
        "office": make_unit("PGD1", kind=UnitKind.OFFICE, parent=root),
        "other": make_unit("KV2", kind=UnitKind.REGIONAL),
    }


@pytest.fixture
def team_client(client, db):
    client.force_login(factories.survey_team())
    return client


def plan_post(region, unit, **extra) -> dict:
    return {
        "root": region["root"].pk,
        "year": 2026,
        "form": Form.ONLINE,
        "participation": 1200,
        "reference": "Công văn 123/SNV-CCHC ngày 15/01/2026",
        "units-TOTAL_FORMS": 1,
        "units-INITIAL_FORMS": 0,
        "units-0-unit": unit.pk,
        "units-0-transaction_volume": 10_000,
        "units-0-minimum": 400,
        **extra,
    }


def test_survey_team_records_a_yearly_plan_with_its_units(team_client, region):
    reply = team_client.post(
        reverse("admin:organisation_yearlyplan_add"), plan_post(region, region["office"])
    )
    assert reply.status_code == 302, reply.content.decode()[:3000]
    plan = YearlyPlan.objects.get()
    assert (plan.root, plan.year, plan.participation) == (region["root"], 2026, 1200)
    assert plan.units.get().minimum == 400
    listing = team_client.get(reverse("admin:organisation_yearlyplan_changelist"))
    assert listing.status_code == 200 and "1200" in listing.content.decode()
    change = team_client.get(reverse("admin:organisation_yearlyplan_change", args=[plan.pk]))
    page = change.content.decode()
    # The proposal beside the field: N = 10,000 gives n = 385.
    assert proposed_quota(10_000) == 385 and ">385<" in page
    assert "surveys/proposed_quota.js" in page


def test_a_unit_outside_the_root_is_refused(team_client, region):
    reply = team_client.post(
        reverse("admin:organisation_yearlyplan_add"), plan_post(region, region["other"])
    )
    assert reply.status_code == 200
    assert "KV2 không trực thuộc KV12" in reply.content.decode()
    assert not YearlyPlan.objects.exists()


def test_one_plan_per_root_year_and_form(region):
    YearlyPlan.objects.create(root=region["root"], year=2026, form=Form.ONLINE, participation=1)
    YearlyPlan.objects.create(root=region["root"], year=2026, form=Form.DIRECT, participation=1)
    with pytest.raises(IntegrityError):
        YearlyPlan.objects.create(root=region["root"], year=2026, form=Form.ONLINE, participation=2)


def test_leadership_reads_the_plans_and_changes_nothing(client, region):
    plan = YearlyPlan.objects.create(
        root=region["root"], year=2026, form=Form.ONLINE, participation=10
    )
    YearlyPlanUnit.objects.create(plan=plan, unit=region["office"], minimum=10)
    client.force_login(factories.leadership())
    assert client.get(reverse("admin:organisation_yearlyplan_changelist")).status_code == 200
    assert client.get(reverse("admin:organisation_yearlyplan_add")).status_code == 403


def test_the_campaign_quota_shows_the_proposed_minimum(team_client, region):
    campaign = make_campaign([region["office"]])
    Quota.objects.create(
        campaign=campaign,
        unit=region["office"],
        form=Form.ONLINE,
        minimum=300,
        transaction_volume=2_000,
    )
    page = team_client.get(reverse("admin:surveys_campaign_change", args=[campaign.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f">{proposed_quota(2_000)}<" in html and "N / (1 + N·e²)" in html


@pytest.mark.parametrize("model", ["reorganisation", "unitimport", "yearlyplan"])
def test_survey_team_opens_the_records_in_the_admin(team_client, region, model):
    assert team_client.get(reverse(f"admin:organisation_{model}_changelist")).status_code == 200
    if model != "yearlyplan":  # records of what was done: never added or edited by hand
        assert team_client.get(reverse(f"admin:organisation_{model}_add")).status_code == 403


def test_the_plan_page_shows_each_units_part_and_the_responses_counted_toward_it(client, db):
    from reports.tests.recompute import FORMS, Recomputed
    from reports.tests.years import build_years

    years = build_years(per_unit=3)
    client.force_login(factories.survey_team(unit=years.root))  # the region's own team
    plan = YearlyPlan.objects.get(year=2025)
    page = client.get(reverse("admin:organisation_yearlyplan_change", args=[plan.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "yearly-plan-progress" in body
    raw = Recomputed(years.rounds_2025)
    # P1's part and the responses of P1, P2 and M (both rounds) are counted under M.
    online_m = raw.slice(
        lambda r: r.unit.code in ("M", "P1", "P2") and FORMS[r.channel] == "online"
    )
    m = years.units["M"]
    assert f"<td>M</td><td>{m.name}</td><td class='text-end'>25</td>" in body
    assert f"<td class='text-end'>{len(online_m)}</td>" in body
    assert "<td>P1</td>" not in body
