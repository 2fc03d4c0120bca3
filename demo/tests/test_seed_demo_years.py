"""The demo of three years (DESIGN, the public contract): 2024 under the provincial tree, the
reorganisation of 15/3/2025, 2025 across it, the open round of this year, a second region."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from demo.seeding import OFFICES, REORGANISED_ON
from organisation.models import Reorganisation
from surveys.models import Campaign, CampaignStatus, Response, Unit, UnitKind
from surveys.scope import scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--responses", "60")


def test_rounds_years_statuses_and_counts(demo):
    today = timezone.localdate()
    rounds = {c.slug: c for c in Campaign.objects.select_related("root")}
    assert set(rounds) == {"demo-2024-1", "demo-2024-2", "demo-2025", "demo", "demo-kv2"}
    for slug in ("demo-2024-1", "demo-2024-2"):
        assert (rounds[slug].year, rounds[slug].status) == (2024, CampaignStatus.CLOSED)
        assert rounds[slug].root.code == "DNG"
    assert [rounds["demo-2024-1"].round, rounds["demo-2024-2"].round] == [1, 2]
    r2025 = rounds["demo-2025"]
    assert (r2025.year, r2025.status) == (2025, CampaignStatus.CLOSED)
    assert r2025.opens_on < REORGANISED_ON <= r2025.closes_on
    for slug, root in (("demo", "KV13"), ("demo-kv2", "KV14")):
        assert rounds[slug].year == today.year
        assert rounds[slug].root.code == root
        assert Campaign.objects.accepting().filter(slug=slug).exists()
    counts = dict(
        Response.objects.values("campaign__slug")
        .annotate(n=Count("id"))
        .values_list("campaign__slug", "n")
    )
    assert counts == dict.fromkeys(rounds, 60)
    # Every response lies in its round's period and was given to a unit serving that day.
    for response in Response.objects.select_related("campaign", "unit"):
        assert response.campaign.opens_on <= response.answered_on <= today
        assert response.answered_on <= response.campaign.closes_on
        assert response.unit.is_valid_on(response.answered_on), response.unit.code


def test_the_reorganisation_is_recorded_and_its_successors_serve(demo):
    last_day = REORGANISED_ON - datetime.timedelta(days=1)
    region = Unit.objects.get(code="KV13")
    for office, _name, merged in OFFICES:
        heir = Unit.objects.get(code=office)
        assert (heir.parent, heir.valid_from) == (region, REORGANISED_ON)
        for code in merged:
            old = Unit.objects.get(code=code)
            assert (old.valid_to, old.successor) == (last_day, heir)
    branch = Unit.objects.get(code="DNG")
    assert (branch.valid_to, branch.successor) == (last_day, region)
    assert Unit.objects.get(code="KSC").parent == region  # the departments moved under it
    assert Reorganisation.objects.filter(effective_on=REORGANISED_ON).count() == 4
    # 2025's round surveyed the districts before the date and their offices after it.
    r2025 = Response.objects.filter(campaign__slug="demo-2025")
    assert r2025.filter(unit__kind=UnitKind.DISTRICT, answered_on__lte=last_day).exists()
    assert not r2025.filter(unit__kind=UnitKind.DISTRICT, answered_on__gte=REORGANISED_ON).exists()
    assert r2025.filter(unit__kind=UnitKind.OFFICE).exists()
    assert not r2025.filter(unit__kind=UnitKind.OFFICE, answered_on__lt=REORGANISED_ON).exists()
    surveyed = set(Campaign.objects.get(slug="demo-2025").units.values_list("code", flat=True))
    assert {office for office, *_ in OFFICES} <= surveyed  # added by the reorganisation


def test_each_login_sees_its_subtree(demo):
    def sees(username):
        scope = scope_for(User.objects.get(username=username))
        units = set(Unit.objects.filter(pk__in=scope.ids()).values_list("code", flat=True))
        rounds = set(scope.campaigns().values_list("slug", flat=True))
        return units, rounds

    region_units, region_rounds = sees("tokhaosat")
    assert {"KV13", "KSC", "PGD-HCTK", "DNG", "HCH"} <= region_units
    assert not any(code.startswith("KV14") for code in region_units)
    assert region_rounds == {"demo-2024-1", "demo-2024-2", "demo-2025", "demo"}
    assert sees("quanly.kv") == (region_units, region_rounds)
    assert sees("lanhdao") == (region_units, region_rounds)
    assert sees("quanly.ksc")[0] == {"KSC"}
    kv2_units, kv2_rounds = sees("tokhaosat.kv2")
    assert kv2_units == {"KV14", "KV14-KSC", "KV14-PGD1", "KV14-PGD2"}
    assert kv2_rounds == {"demo-kv2"}
    assert scope_for(User.objects.get(username="admin")).everything


def test_second_run_changes_nothing_and_keeps_logins(demo):
    def state():
        return (
            list(Unit.objects.order_by("code").values_list("code", "parent_id", "successor_id",
                                                            "valid_from", "valid_to")),
            list(Campaign.objects.order_by("slug").values_list("slug", "status", "root_id")),
            Response.objects.count(),
            Reorganisation.objects.count(),
            list(User.objects.order_by("username").values_list("username", "staff_profile__unit")),
        )  # fmt: skip

    first = state()
    call_command("seed_demo", "--responses", "60")
    assert state() == first


def test_the_second_regions_team_sees_nothing_of_the_first(client, demo):
    """Logged in as tokhaosat.kv2: no page, admin list, autocomplete or export of the walk's
    parameter-free URLs names a unit, round or comment of KV13's tree."""
    from django.urls import reverse

    from dashboard.tests.test_permission_walk import all_patterns

    first = ["KV13", "DNG", "PGD-HCTK", "Hải Châu", "Đà Nẵng", "khu vực XIII", "demo-2025"]
    first += list(
        Response.objects.filter(campaign__slug="demo").exclude(comment="")
        .values_list("tracking_code", flat=True)[:20]
    )  # fmt: skip
    client.force_login(User.objects.get(username="tokhaosat.kv2"))
    urls = [
        "/" + route for route, name, pattern in all_patterns()
        if not pattern.pattern.converters and not pattern.pattern.regex.groupindex
        and "(" not in route and "logout" not in route and "$" not in route
    ]  # fmt: skip
    urls += [
        reverse("admin:autocomplete") + f"?app_label={app}&model_name={model}&field_name={field}"
        for app, model, field in (("surveys", "invitation", "unit"),
                                  ("surveys", "invitation", "campaign"),
                                  ("followups", "followup", "unit"))
    ]  # fmt: skip
    shown = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            shown += 1
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            assert not [m for m in first if m in text], url
    assert shown > 30  # the pages and every admin list (routes without parameters)
    # … while the same lists show the second region's own data.
    page = client.get(reverse("admin:surveys_unit_changelist")).content.decode()
    assert "KV14-PGD1" in page
