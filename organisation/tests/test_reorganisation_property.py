"""Any sequence of reorganisations: each is refused and changes nothing, or is applied; after
them the tree has no cycle, every successor serves the day after its predecessor ends, the
roll-up leads to units valid on the day asked, and the units exported as a sheet import back
without a problem and without a change."""

from __future__ import annotations

import datetime

from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from organisation.models import ReorganisationKind
from organisation.services.reorganisation import (
    NewUnit,
    ReorganisationRefused,
    ReorganisationSpec,
    reorganisation_apply,
)
from organisation.services.unit_import import units_export, units_import
from surveys.models import Unit, UnitKind
from surveys.tests.factories import make_unit
from surveys.tree import UnitTree

DAYS = [datetime.date(2025, 1, 1), datetime.date(2025, 3, 15), datetime.date(2026, 1, 1)]

# How many new units each kind needs; sometimes another number, to be refused.
NEEDS = {"merge": 1, "split": 2, "rename": 1, "move": 1}
step = st.tuples(
    st.sampled_from(ReorganisationKind.values),
    st.sampled_from(DAYS),
    st.lists(st.integers(0, 30), min_size=1, max_size=3),  # which serving units
    st.integers(0, 3) | st.just(None),  # how many new units (None: as the kind needs)
    st.integers(0, 30),  # into / parent, among the serving units
    st.booleans(),  # merge into an existing unit
)
steps = st.lists(step, min_size=1, max_size=6).flatmap(
    # Mostly in the order of their dates, as reorganisations happen; sometimes not.
    lambda found: st.sampled_from([sorted(found, key=lambda s: s[1]), found])
)


def step_spec(kind, day, chosen, how_many, other, *, existing, first) -> ReorganisationSpec:
    """The operation a drawn step asks for: `how_many` new units numbered from `first`, `other`
    the unit merged into (when `existing`) or moved under."""
    new_units = tuple(NewUnit(f"N{n}", f"Đơn vị mới {n}") for n in range(first, first + how_many))
    return ReorganisationSpec(
        kind=kind,
        effective_on=day,
        unit_ids=chosen,
        new_units=() if existing and kind == "merge" else new_units,
        into_id=other.pk if existing else None,
        parent_id=other.pk if kind == "move" else None,
    )


def snapshot():
    return list(Unit.objects.order_by("pk").values_list())


def invariants() -> None:
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        seen, node = set(), unit
        while node.parent_id is not None:  # no cycle of parents
            assert node.pk not in seen
            seen.add(node.pk)
            node = units[node.parent_id]
        if unit.successor_id is not None:
            assert unit.valid_to is not None
            day = unit.valid_to + datetime.timedelta(days=1)
            assert units[unit.successor_id].is_valid_on(day)
    tree = UnitTree.load()
    for day in DAYS:
        for pk, target in tree.rollup_map(units_on=day).items():
            chain, node = [], units[pk]
            while node is not None and node.pk not in chain:
                chain.append(node.pk)
                node = units.get(node.successor_id)
            valid = [u for u in chain if units[u].is_valid_on(day)]
            # The first unit of the chain valid that day; with none, a unit of the chain.
            assert target == valid[0] if valid else target in chain


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_any_sequence_of_reorganisations_keeps_the_tree_whole(db, steps):
    with transaction.atomic():
        root = make_unit("R", kind=UnitKind.BRANCH, parent=None)
        for i in range(4):
            make_unit(f"U{i}", parent=root, valid_from=datetime.date(2024, 1, 1))
        counter = 0
        for kind, day, picks, how_many, other, existing in steps:
            serving = list(Unit.objects.filter(valid_to__isnull=True).order_by("pk"))
            chosen = tuple(dict.fromkeys(serving[p % len(serving)].pk for p in picks))
            if how_many is None:
                how_many = NEEDS[kind] + (len(picks) > 2 and kind == "split")
            spec = step_spec(kind, day, chosen, how_many, serving[other % len(serving)],
                             existing=existing, first=counter + 1)  # fmt: skip
            counter += how_many
            before = snapshot()
            try:
                reorganisation_apply(spec=spec)
            except ReorganisationRefused as refused:
                event("refused")
                assert refused.errors
                assert snapshot() == before
            else:
                event(f"applied {kind}")
            invariants()
        after = snapshot()
        again = units_import(data=units_export(), filename="export.xlsx")
        assert again.log is None and snapshot() == after
        transaction.set_rollback(True)
