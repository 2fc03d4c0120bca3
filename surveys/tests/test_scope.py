"""surveys.scope: which units and rounds a user sees (their unit's subtree, past and present)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import roles
from surveys.models import Campaign, Response, Unit, UnitKind
from surveys.scope import scope_build, scope_for, scope_units
from surveys.tests import factories
from surveys.tree import UnitTree

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def tree():
    """Two regions; region 1 took over a provincial branch and its district on 15/3/2025."""
    branch = factories.make_unit("DNG", kind=UnitKind.BRANCH, parent=None, valid_to=D(2025, 3, 14))
    district = factories.make_unit("HCH", kind=UnitKind.DISTRICT, parent=branch,
                                   valid_to=D(2025, 3, 14))  # fmt: skip
    region = factories.make_unit(
        "KV1", kind=UnitKind.REGIONAL, parent=None, valid_from=D(2025, 3, 15)
    )
    department = factories.make_unit("KSC", parent=region)
    office = factories.make_unit("PGD1", kind=UnitKind.OFFICE, parent=region,
                                 valid_from=D(2025, 3, 15))  # fmt: skip
    Unit.objects.filter(pk=district.pk).update(successor=office)
    Unit.objects.filter(pk=branch.pk).update(successor=region)
    other = factories.make_unit("KV2", kind=UnitKind.REGIONAL, parent=None)
    other_office = factories.make_unit("KV2-PGD", kind=UnitKind.OFFICE, parent=other)
    return {
        "branch": branch, "district": district, "region": region, "department": department,
        "office": office, "other": other, "other_office": other_office,
    }  # fmt: skip


def codes(scope) -> set[str]:
    return set(scope.units().values_list("code", flat=True))


def test_a_region_sees_its_subtree_and_the_units_it_took_over(tree):
    scope = scope_build(tree["region"].pk)
    assert codes(scope) == {"KV1", "KSC", "PGD1", "DNG", "HCH"}
    assert not scope.everything
    assert not scope.top  # two regions serve: neither is the installation's one root


def test_an_office_sees_itself_and_its_predecessors_only(tree):
    assert codes(scope_build(tree["office"].pk)) == {"PGD1", "HCH"}
    assert codes(scope_build(tree["department"].pk)) == {"KSC"}
    assert codes(scope_build(tree["other"].pk)) == {"KV2", "KV2-PGD"}


def test_superuser_sees_all_and_no_unit_sees_nothing(tree):
    admin = User.objects.create_superuser("root", password="pw-test-123")
    assert scope_for(admin).everything
    assert scope_for(admin).units().count() == Unit.objects.count()
    nobody = factories.make_user("nobody", roles.SURVEY_TEAM, is_staff=True)  # no unit
    assert scope_for(nobody).empty
    assert not scope_for(nobody).units().exists()
    assert not scope_for(nobody).campaigns().exists()
    assert scope_for(AnonymousUser()).empty
    inactive = factories.make_user("gone", roles.SURVEY_TEAM, unit=tree["region"], is_active=False)
    assert scope_for(inactive).empty


def test_rounds_visible_by_root_or_by_a_surveyed_unit_owned_by_root(tree):
    old = factories.make_campaign([tree["district"]], slug="dot-2024", root=tree["branch"])
    mine = factories.make_campaign([tree["department"], tree["office"]], slug="dot-kv1",
                                   root=tree["region"])  # fmt: skip
    theirs = factories.make_campaign([tree["other_office"]], slug="dot-kv2", root=tree["other"])
    region = scope_build(tree["region"].pk)
    assert set(region.campaigns().values_list("slug", flat=True)) == {"dot-2024", "dot-kv1"}
    assert region.owns_campaign(old) and region.owns_campaign(mine)
    assert not region.owns_campaign(theirs)
    office = scope_build(tree["office"].pk)
    # The office's manager sees the rounds that survey it (and its predecessor), owns none.
    assert set(office.campaigns().values_list("slug", flat=True)) == {"dot-2024", "dot-kv1"}
    assert not office.owned_campaigns().exists()
    assert set(scope_build(tree["other"].pk).campaigns().values_list("slug", flat=True)) == {
        "dot-kv2"
    }
    factories.make_response(mine, tree["department"])
    factories.make_response(mine, tree["office"])
    assert office.by_unit(Response.objects.all()).get().unit == tree["office"]
    assert not scope_build(tree["other"].pk).by_campaign(Response.objects.all()).exists()


def test_one_query_builds_the_scope_and_the_request_keeps_it(tree):
    user = factories.make_user("m", roles.UNIT_MANAGER, unit=tree["region"])
    user = User.objects.select_related("staff_profile").get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        first = scope_for(user)
    assert len(queries) == 1  # the tree of units
    with CaptureQueriesContext(connection) as queries:
        assert scope_for(user) is first
    assert len(queries) == 0


def test_the_campaign_admin_names_the_root_in_vietnamese(client, tree):
    client.force_login(factories.survey_team(unit=tree["region"]))
    from django.urls import reverse

    page = client.get(reverse("admin:surveys_campaign_add")).content.decode()
    assert "Đơn vị gốc" in page and "KBNN khu vực" in page


parents = st.lists(st.integers(0, 30), min_size=1, max_size=25)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(links=parents, successors=parents, start=st.integers(0, 30))
def test_scope_is_the_closure_of_children_and_predecessors(links, successors, start):
    """Against a brute force: u is in v's scope when a walk up by parents or forward by
    successors from u reaches v."""
    from surveys.tree import _Node

    n = len(links)
    nodes = [
        _Node(i, f"U{i}", links[i] % n if links[i] % n < i else None,
              successors[i % len(successors)] % n if i % 3 == 0 else None, None, None)
        for i in range(n)
    ]  # fmt: skip
    tree = UnitTree(nodes)
    target = start % n

    def reaches(u: int) -> bool:
        seen, todo = set(), [u]
        while todo:
            x = todo.pop()
            if x == target:
                return True
            if x in seen:
                continue
            seen.add(x)
            node = tree.nodes[x]
            todo += [y for y in (node.parent_id, node.successor_id) if y is not None]
        return False

    assert scope_units(tree, target) == {u for u in range(n) if reaches(u)}


def test_a_campaign_without_a_root_is_owned_only_in_a_one_root_installation(tree):
    campaign = Campaign.objects.create(
        name="Đợt cũ", slug="dot-cu", year=2023, opens_on=D(2023, 1, 1), closes_on=D(2023, 2, 1),
        questionnaire=factories.make_campaign().questionnaire,
    )  # fmt: skip
    # Two regions serve (and the test root): a root-less round is nobody's but a superuser's.
    assert not scope_build(tree["region"].pk).owns_campaign(campaign)
    assert not scope_build(tree["other"].pk).owned_campaigns().filter(pk=campaign.pk).exists()
    Unit.objects.exclude(pk=tree["region"].pk).filter(parent=None).update(
        valid_to=D(2025, 12, 31)
    )  # now KV1 is the one root serving
    assert scope_build(tree["region"].pk).owns_campaign(campaign)
    assert scope_build(tree["region"].pk).owned_campaigns().filter(pk=campaign.pk).exists()
    assert not scope_build(tree["office"].pk).owns_campaign(campaign)
