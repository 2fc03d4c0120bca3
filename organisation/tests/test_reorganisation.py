"""reorganisation_preview and reorganisation_apply: merge, split, rename, move on a date."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation.models import Reorganisation, ReorganisationKind
from organisation.services.reorganisation import (
    NewUnit,
    ReorganisationRefused,
    ReorganisationSpec,
    reorganisation_apply,
    reorganisation_preview,
)
from surveys.models import CampaignStatus, Form, Quota, Unit, UnitKind
from surveys.tests import factories
from surveys.tests.factories import make_campaign, make_unit
from surveys.tree import rollup_map

D = datetime.date
DAY = D(2025, 3, 15)
LAST = D(2025, 3, 14)


@pytest.fixture
def tree(db):
    province = make_unit("DNG", kind=UnitKind.BRANCH)
    region = make_unit("KV12", kind=UnitKind.REGIONAL, valid_from=D(2025, 1, 1))
    hai_chau = make_unit("HCH", kind=UnitKind.DISTRICT, parent=province)
    thanh_khe = make_unit("TKH", kind=UnitKind.DISTRICT, parent=province)
    ksc = make_unit("KSC", name="Phòng Kiểm soát chi", parent=province)
    team = make_unit("KSC-1", name="Tổ 1", parent=ksc)
    running = make_campaign(
        [hai_chau, thanh_khe, ksc],
        slug="dot-2025",
        name="Năm 2025",
        opens_on=D(2025, 1, 1),
        closes_on=D(2025, 12, 31),
    )
    closed = make_campaign(
        [hai_chau],
        slug="dot-2024",
        name="Năm 2024",
        opens_on=D(2024, 1, 1),
        closes_on=D(2025, 6, 30),
        status=CampaignStatus.CLOSED,
    )
    Quota.objects.create(campaign=running, unit=hai_chau, form=Form.ONLINE, minimum=120)
    factories.make_invitation(running, hai_chau)
    factories.make_invitation(running, thanh_khe)
    factories.make_invitation(closed, hai_chau)
    return {
        "province": province,
        "region": region,
        "hai_chau": hai_chau,
        "thanh_khe": thanh_khe,
        "ksc": ksc,
        "team": team,
        "running": running,
        "closed": closed,
    }


def merge_spec(tree, **kwargs) -> ReorganisationSpec:
    defaults = {
        "kind": ReorganisationKind.MERGE,
        "effective_on": DAY,
        "unit_ids": (tree["hai_chau"].pk, tree["thanh_khe"].pk),
        "new_units": (NewUnit("PGD1", "Phòng Giao dịch số 1", UnitKind.OFFICE, tree["region"].pk),),
    }
    defaults.update(kwargs)
    return ReorganisationSpec(**defaults)


def snapshot():
    return list(Unit.objects.order_by("code").values_list())


def test_preview_says_what_changes_and_writes_nothing(tree):
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        plan = reorganisation_preview(spec=merge_spec(tree))
    assert not [q for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert snapshot() == before and Reorganisation.objects.count() == 0
    assert [u.code for u in plan.ending] == ["HCH", "TKH"]
    assert plan.last_day == LAST and plan.successor_code == "PGD1"
    assert plan.created == [
        {
            "code": "PGD1",
            "name": "Phòng Giao dịch số 1",
            "kind": UnitKind.OFFICE,
            "parent": "KV12",
            "parent_id": tree["region"].pk,
            "valid_from": DAY,
        }
    ]
    # The running round is affected (the closed one not): both units, HCH's quota, PGD1 added.
    [effect] = plan.campaigns
    assert effect.campaign == tree["running"]
    assert [u.code for u in effect.ending] == ["HCH", "TKH"]
    assert [(q.unit.code, q.minimum) for q in effect.quotas] == [("HCH", 120)]
    assert effect.added == ["PGD1"]
    assert effect.open_invitations == 2
    assert len(queries) <= 9


def test_merge_into_a_new_unit(tree):
    team = factories.survey_team()
    record = reorganisation_apply(spec=merge_spec(tree), user=team)
    new = Unit.objects.get(code="PGD1")
    assert (new.valid_from, new.valid_to, new.parent, new.kind) == (
        DAY,
        None,
        tree["region"],
        UnitKind.OFFICE,
    )
    for unit in ("hai_chau", "thanh_khe"):
        tree[unit].refresh_from_db()
        assert (tree[unit].valid_to, tree[unit].successor) == (LAST, new)
    assert new in tree["running"].units.all()
    assert new not in tree["closed"].units.all()
    # Quotas stay where they were assigned: they roll up with the history.
    assert Quota.objects.get(unit=tree["hai_chau"]).minimum == 120
    assert record.performed_by == team and record.kind == ReorganisationKind.MERGE
    assert record.effective_on == DAY and "HCH, TKH" in record.summary
    assert record.details["ended"] == ["HCH", "TKH"]
    assert record.details["campaigns"][0]["quotas"] == [["HCH", "online", 120]]
    mapping = rollup_map(units_on=D(2025, 12, 31))
    assert mapping[tree["hai_chau"].pk] == mapping[tree["thanh_khe"].pk] == new.pk
    assert rollup_map(units_on=LAST)[tree["hai_chau"].pk] == tree["hai_chau"].pk


def test_merge_into_an_existing_unit_moves_the_units_under_them(tree):
    reorganisation_apply(
        spec=merge_spec(tree, unit_ids=(tree["ksc"].pk,), new_units=(), into_id=tree["region"].pk)
    )
    tree["ksc"].refresh_from_db()
    tree["team"].refresh_from_db()
    assert tree["ksc"].successor == tree["region"] and tree["ksc"].valid_to == LAST
    assert tree["team"].parent == tree["region"]
    assert tree["region"] in tree["running"].units.all()


def test_split_keeps_the_history_with_the_split_unit(tree):
    spec = ReorganisationSpec(
        kind=ReorganisationKind.SPLIT,
        effective_on=DAY,
        unit_ids=(tree["ksc"].pk,),
        new_units=(NewUnit("KSC-A", "Phòng KSC A"), NewUnit("KSC-B", "Phòng KSC B")),
    )
    plan = reorganisation_preview(spec=spec)
    assert plan.successor_code is None
    assert [(u.code, heir) for u, heir in plan.children_moved] == [("KSC-1", "KSC-A")]
    assert plan.campaigns[0].added == ["KSC-A", "KSC-B"]
    reorganisation_apply(spec=spec)
    ksc = Unit.objects.get(code="KSC")
    assert (ksc.valid_to, ksc.successor) == (LAST, None)
    a, b = Unit.objects.get(code="KSC-A"), Unit.objects.get(code="KSC-B")
    assert a.parent == b.parent == tree["province"] and a.kind == UnitKind.DEPARTMENT
    assert Unit.objects.get(code="KSC-1").parent == a
    assert rollup_map(units_on=D(2025, 12, 31))[ksc.pk] == ksc.pk


def test_rename_ends_the_old_unit_and_its_successor_carries_the_history(tree):
    spec = ReorganisationSpec(
        kind=ReorganisationKind.RENAME,
        effective_on=DAY,
        unit_ids=(tree["ksc"].pk,),
        new_units=(NewUnit("KSC2", "Phòng Kiểm soát chi NSNN"),),
    )
    record = reorganisation_apply(spec=spec)
    new = Unit.objects.get(code="KSC2")
    assert (new.name, new.parent, new.kind) == (
        "Phòng Kiểm soát chi NSNN",
        tree["province"],
        UnitKind.DEPARTMENT,
    )
    assert Unit.objects.get(code="KSC").successor == new
    assert Unit.objects.get(code="KSC-1").parent == new
    assert rollup_map(units_on=D(2025, 12, 31))[tree["ksc"].pk] == new.pk
    assert record.kind == ReorganisationKind.RENAME


def test_move_under_another_parent(tree):
    spec = ReorganisationSpec(
        kind=ReorganisationKind.MOVE,
        effective_on=DAY,
        unit_ids=(tree["ksc"].pk,),
        new_units=(NewUnit("KV12-KSC", ""),),
        parent_id=tree["region"].pk,
    )
    reorganisation_apply(spec=spec)
    new = Unit.objects.get(code="KV12-KSC")
    assert (new.parent, new.name) == (tree["region"], "Phòng Kiểm soát chi")
    assert Unit.objects.get(code="KSC").successor == new


def test_move_under_its_own_subtree_or_same_parent_is_refused(tree):
    for parent, words in ((tree["team"], "vòng lặp"), (tree["province"], "đã thuộc")):
        spec = ReorganisationSpec(
            kind=ReorganisationKind.MOVE,
            effective_on=DAY,
            unit_ids=(tree["ksc"].pk,),
            new_units=(NewUnit("X1", "X"),),
            parent_id=parent.pk,
        )
        with pytest.raises(ReorganisationRefused) as refused:
            reorganisation_apply(spec=spec)
        assert any(words in error for error in refused.value.errors), refused.value.errors


def refused_by(spec: ReorganisationSpec) -> list[str]:
    before, records = snapshot(), Reorganisation.objects.count()
    with pytest.raises(ReorganisationRefused) as refused:
        reorganisation_apply(spec=spec)
    assert snapshot() == before and Reorganisation.objects.count() == records
    return refused.value.errors


@pytest.mark.parametrize(
    "change, words",
    [
        ({"unit_ids": ()}, "Chọn các đơn vị"),
        ({"new_units": (NewUnit("hch", "Trùng mã", UnitKind.OFFICE),)}, "đã được dùng"),
        ({"new_units": (NewUnit("PGD 1", "Mã sai"),)}, "không phải là mã"),
        ({"new_units": (NewUnit("PGD1", ""),)}, "cần có tên"),
        ({"new_units": ()}, "đơn vị mới"),
        ({"unit_ids": (0,)}, "Chọn các đơn vị"),
    ],
)
def test_refusals_write_nothing(tree, change, words):
    errors = refused_by(merge_spec(tree, **change))
    assert any(words in error for error in errors), errors


def test_a_merge_into_a_new_unit_needs_two_units(tree):
    errors = refused_by(merge_spec(tree, unit_ids=(tree["hai_chau"].pk,)))
    assert any("ít nhất hai" in error for error in errors), errors


def test_a_unit_cannot_end_before_it_begins(tree):
    errors = refused_by(
        merge_spec(
            tree, effective_on=D(2024, 12, 31), unit_ids=(tree["hai_chau"].pk, tree["region"].pk)
        )
    )
    assert any("KV12" in error and "không thể kết thúc" in error for error in errors), errors


def test_a_split_needs_two_new_units(tree):
    spec = ReorganisationSpec(
        kind=ReorganisationKind.SPLIT,
        effective_on=DAY,
        unit_ids=(tree["ksc"].pk,),
        new_units=(NewUnit("KSC-A", "Phòng KSC A"),),
    )
    errors = refused_by(spec)
    assert any("ít nhất hai đơn vị mới" in error for error in errors), errors


def test_a_unit_that_already_ended_cannot_end_again(tree):
    reorganisation_apply(spec=merge_spec(tree))
    with pytest.raises(ReorganisationRefused) as refused:
        reorganisation_apply(
            spec=merge_spec(tree, new_units=(NewUnit("PGD2", "Phòng Giao dịch số 2"),))
        )
    assert any("đã kết thúc" in error for error in refused.value.errors)


def test_the_parent_of_a_new_unit_must_serve_on_the_date(tree):
    later_region = make_unit("KV13", kind=UnitKind.REGIONAL, valid_from=D(2025, 6, 1))
    with pytest.raises(ReorganisationRefused) as refused:
        reorganisation_apply(
            spec=merge_spec(tree, new_units=(NewUnit("PGD1", "PGD 1", "", later_region.pk),))
        )
    assert any("KV13" in error for error in refused.value.errors)


def test_a_unit_cannot_be_merged_into_a_unit_under_it(tree):
    errors = refused_by(
        merge_spec(tree, unit_ids=(tree["ksc"].pk,), new_units=(), into_id=tree["team"].pk)
    )
    assert any("KSC-1" in error and "vòng lặp" in error for error in errors), errors


def test_a_new_unit_cannot_sit_under_a_unit_that_moves_to_it(tree):
    errors = refused_by(
        merge_spec(
            tree,
            unit_ids=(tree["ksc"].pk, tree["hai_chau"].pk),
            new_units=(NewUnit("PGD1", "PGD 1", "", tree["team"].pk),),
        )
    )
    assert any("KSC-1" in error and "vòng lặp" in error for error in errors), errors


def test_a_successor_cannot_end_before_it_took_over_a_history(tree):
    reorganisation_apply(spec=merge_spec(tree, effective_on=D(2026, 1, 1)))
    pgd1 = Unit.objects.get(code="PGD1")
    # PGD1 carries HCH's history from 1/1/2026: it cannot be renamed away on 15/3/2025.
    errors = refused_by(
        ReorganisationSpec(
            kind=ReorganisationKind.RENAME,
            effective_on=DAY,
            unit_ids=(pgd1.pk,),
            new_units=(NewUnit("PGD1B", "Phòng Giao dịch 1B"),),
        )
    )
    assert any("PGD1" in error and "HCH" in error for error in errors), errors
