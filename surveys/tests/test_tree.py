"""surveys.tree: subtrees by parent and the roll-up map by successor chains."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Unit, UnitKind
from surveys.tests.factories import make_unit
from surveys.tree import rollup_former_codes, rollup_map, subtree_ids

D = datetime.date
REORG = D(2025, 3, 15)
BEFORE = D(2025, 3, 14)


@pytest.fixture
def reorganised(db):
    """The 15/3/2025 reorganisation in small: a province with two districts merged into one
    office of a regional treasury, a department split in two, a department renamed twice."""
    province = make_unit("DNG", kind=UnitKind.BRANCH, valid_to=BEFORE)
    region = make_unit("KV12", kind=UnitKind.REGIONAL, valid_from=REORG)
    office = make_unit("PGD1", kind=UnitKind.OFFICE, parent=region, valid_from=REORG)
    hai_chau = make_unit(
        "HCH", kind=UnitKind.DISTRICT, parent=province, valid_to=BEFORE, successor=office
    )
    thanh_khe = make_unit(
        "TKH", kind=UnitKind.DISTRICT, parent=province, valid_to=BEFORE, successor=office
    )
    split = make_unit("KTNN", parent=province, valid_to=BEFORE)
    part_a = make_unit("KTNN-A", parent=region, valid_from=REORG)
    part_b = make_unit("KTNN-B", parent=region, valid_from=REORG)
    # A chain: old name until 2024, a second name until the reorganisation, the third since.
    third = make_unit("KSC3", parent=region, valid_from=REORG)
    second = make_unit(
        "KSC2", parent=province, valid_from=D(2024, 1, 1), valid_to=BEFORE, successor=third
    )
    first = make_unit("KSC1", parent=province, valid_to=D(2023, 12, 31), successor=second)
    return {u.code: u.pk for u in Unit.objects.all()} | {
        "_objects": {
            "province": province,
            "region": region,
            "office": office,
            "hai_chau": hai_chau,
            "thanh_khe": thanh_khe,
            "split": split,
            "part_a": part_a,
            "part_b": part_b,
            "first": first,
        }
    }


def pks(ids: dict, codes: str) -> set[int]:
    return {ids[code] for code in codes.split()}


def test_subtree_follows_parents_and_filters_by_day(reorganised):
    ids = reorganised
    region = reorganised["_objects"]["region"]
    assert subtree_ids(region) == pks(ids, "KV12 PGD1 KTNN-A KTNN-B KSC3")
    assert subtree_ids(ids["DNG"]) == pks(ids, "DNG HCH TKH KTNN KSC2 KSC1")
    assert subtree_ids(ids["DNG"], day=D(2024, 6, 1)) == pks(ids, "DNG HCH TKH KTNN KSC2")
    assert subtree_ids(ids["DNG"], day=REORG) == set()
    assert subtree_ids(ids["PGD1"]) == {ids["PGD1"]}


def test_subtree_of_a_unit_that_does_not_exist_is_empty(db):
    assert subtree_ids(987654) == set()


def test_rollup_after_the_reorganisation_merges_chains_and_keeps_a_split_whole(reorganised):
    ids = reorganised
    mapping = rollup_map(units_on=D(2025, 12, 31))
    assert mapping[ids["HCH"]] == ids["PGD1"]
    assert mapping[ids["TKH"]] == ids["PGD1"]
    assert mapping[ids["PGD1"]] == ids["PGD1"]
    # A chain of two successors leads to the unit valid at the end.
    assert mapping[ids["KSC1"]] == ids["KSC3"]
    assert mapping[ids["KSC2"]] == ids["KSC3"]
    # A split unit leads nowhere valid: its history stays its own, never divided.
    assert mapping[ids["KTNN"]] == ids["KTNN"]
    assert mapping[ids["KTNN-A"]] == ids["KTNN-A"]
    assert mapping[ids["DNG"]] == ids["DNG"]
    assert set(mapping) == {pk for code, pk in ids.items() if not code.startswith("_")}


def test_rollup_before_the_reorganisation_stops_at_the_units_valid_then(reorganised):
    ids = reorganised
    mapping = rollup_map(units_on=D(2024, 12, 31))
    assert mapping[ids["HCH"]] == ids["HCH"]
    assert mapping[ids["KSC1"]] == ids["KSC2"]
    assert mapping[ids["KSC2"]] == ids["KSC2"]
    # Units that begin later are not reached and map to themselves.
    assert mapping[ids["PGD1"]] == ids["PGD1"]
    assert mapping[ids["KSC3"]] == ids["KSC3"]


def test_former_codes_are_the_inverse(reorganised):
    ids = reorganised
    codes = rollup_former_codes(units_on=D(2025, 12, 31))
    assert codes == {ids["PGD1"]: ["HCH", "TKH"], ids["KSC3"]: ["KSC1", "KSC2"]}
    assert rollup_former_codes(units_on=D(2024, 12, 31)) == {ids["KSC2"]: ["KSC1"]}


def test_rollup_with_a_root_takes_the_units_whose_history_leads_into_it(reorganised):
    ids = reorganised
    region = reorganised["_objects"]["region"]
    mapping = rollup_map(units_on=D(2025, 12, 31), root=region)
    # The old districts and departments lie outside the region's tree, but lead into it.
    assert mapping == {
        ids["KV12"]: ids["KV12"],
        ids["PGD1"]: ids["PGD1"],
        ids["HCH"]: ids["PGD1"],
        ids["TKH"]: ids["PGD1"],
        ids["KTNN-A"]: ids["KTNN-A"],
        ids["KTNN-B"]: ids["KTNN-B"],
        ids["KSC3"]: ids["KSC3"],
        ids["KSC2"]: ids["KSC3"],
        ids["KSC1"]: ids["KSC3"],
    }
    province = rollup_map(units_on=D(2025, 12, 31), root=ids["DNG"])
    assert province == {ids["DNG"]: ids["DNG"], ids["KTNN"]: ids["KTNN"]}


def test_a_merged_unit_whose_successor_was_split_ends_at_the_split_unit(db):
    old = make_unit("OLD", valid_to=D(2023, 12, 31))
    split = make_unit("MID", valid_from=D(2024, 1, 1), valid_to=BEFORE)
    Unit.objects.filter(pk=old.pk).update(successor=split)
    make_unit("NEW-A", valid_from=REORG)
    mapping = rollup_map(units_on=D(2025, 12, 31))
    assert mapping[old.pk] == split.pk
    assert mapping[split.pk] == split.pk


def test_a_cycle_of_successors_or_parents_ends_the_walk(db):
    a = make_unit("A", valid_to=D(2020, 1, 1), parent=None)
    b = make_unit("B", valid_to=D(2021, 1, 1), successor=a, parent=None)
    c = make_unit("C", valid_to=D(2022, 1, 1), successor=b, parent=None)
    Unit.objects.filter(pk=a.pk).update(successor=c)  # A → C → B → A
    mapping = rollup_map(units_on=D(2025, 1, 1))
    assert mapping == {a.pk: a.pk, b.pk: b.pk, c.pk: c.pk}
    Unit.objects.filter(pk=b.pk).update(parent=a)
    Unit.objects.filter(pk=a.pk).update(parent=b)  # A ↔ B by parent
    assert subtree_ids(a) == {a.pk, b.pk}
    assert rollup_former_codes(units_on=D(2025, 1, 1)) == {}


def test_one_query_whatever_the_number_of_units(db):
    Unit.objects.bulk_create(
        [Unit(code=f"G{i}", name=f"Đơn vị {i}", kind=UnitKind.OFFICE) for i in range(300)]
    )
    first = Unit.objects.order_by("pk").first()
    Unit.objects.exclude(pk=first.pk).update(parent=first)
    with CaptureQueriesContext(connection) as queries:
        assert len(subtree_ids(first)) == 300
        assert len(rollup_map(units_on=D(2026, 1, 1), root=first)) == 300
        rollup_former_codes(units_on=D(2026, 1, 1))
    assert len(queries) == 3
