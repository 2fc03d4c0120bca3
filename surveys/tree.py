"""The tree of units (by `parent`) and the roll-up through reorganisations (by `successor`).

The unit table is small (the whole Treasury has under 1,100 units, past and present), so each
function loads its id, code, parent, successor and dates in one query and walks them in Python:
no query per unit, and the same answer on PostgreSQL and SQLite. Both walks guard against
cycles (the import refuses them, but a hand edit in the admin could still make one).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from .models import Unit


@dataclass(frozen=True, slots=True)
class _Node:
    id: int
    code: str
    parent_id: int | None
    successor_id: int | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def started_by(self, day: datetime.date) -> bool:
        return self.valid_from is None or self.valid_from <= day


class UnitTree:
    """Every unit, past and present, loaded once: `UnitTree.load()` is one query."""

    def __init__(self, nodes: list[_Node]):
        self.nodes = {node.id: node for node in nodes}
        self.children: dict[int, list[int]] = defaultdict(list)
        for node in nodes:
            if node.parent_id is not None:
                self.children[node.parent_id].append(node.id)

    @classmethod
    def load(cls) -> UnitTree:
        rows = Unit.objects.order_by().values_list(
            "id", "code", "parent_id", "successor_id", "valid_from", "valid_to"
        )
        return cls([_Node(*row) for row in rows])

    def subtree_ids(self, unit_id: int, *, day: datetime.date | None = None) -> set[int]:
        if unit_id not in self.nodes:
            return set()
        found = {unit_id}
        stack = [unit_id]
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child not in found:  # a cycle in parents ends here
                    found.add(child)
                    stack.append(child)
        if day is None:
            return found
        return {pk for pk in found if self.nodes[pk].valid_on(day)}

    def rollup_target(self, unit_id: int, units_on: datetime.date) -> int:
        """The unit valid on `units_on` that `unit_id`'s successor chain leads to.

        A chain that reaches no unit valid that day (a split unit has no successor; a unit that
        closed has none either) ends at the last unit of the chain that had begun by then: the
        split unit keeps its own history under its own code, never divided.
        """
        node = self.nodes[unit_id]
        last_started = unit_id
        seen: set[int] = set()
        while True:
            if node.valid_on(units_on):
                return node.id
            if node.started_by(units_on):
                last_started = node.id
            seen.add(node.id)
            nxt = node.successor_id
            if nxt in seen:  # a cycle of successors leads nowhere: the unit keeps its own
                return unit_id
            if nxt is None or nxt not in self.nodes:
                return last_started
            node = self.nodes[nxt]

    def rollup_map(self, *, units_on: datetime.date, root: int | None = None) -> dict[int, int]:
        mapping = {pk: self.rollup_target(pk, units_on) for pk in self.nodes}
        if root is None:
            return mapping
        # The root's units on any day; a unit outside it whose chain leads in belongs too
        # (a district treasury of the old provincial tree merged into a regional one's office).
        inside = self.subtree_ids(root)
        return {pk: target for pk, target in mapping.items() if target in inside}

    def former_codes(self, mapping: dict[int, int]) -> dict[int, list[str]]:
        """The inverse of a roll-up map: target id → codes of the other units counted in it."""
        codes: dict[int, list[str]] = defaultdict(list)
        for pk, target in mapping.items():
            if pk != target:
                codes[target].append(self.nodes[pk].code)
        return {target: sorted(found) for target, found in codes.items()}


def _unit_id(unit: Unit | int) -> int:
    return unit if isinstance(unit, int) else unit.pk


def subtree_ids(unit: Unit | int, *, day: datetime.date | None = None) -> set[int]:
    """The unit and all its descendants by `parent`; with `day`, only the units valid that day."""
    return UnitTree.load().subtree_ids(_unit_id(unit), day=day)


def rollup_map(*, units_on: datetime.date, root: Unit | int | None = None) -> dict[int, int]:
    """Every unit id (past and present) → the id of the unit its history is counted under.

    That is the unit valid on `units_on` that its successor chain leads to (DESIGN, roll-up
    through reorganisations); a unit valid that day maps to itself. With `root`, only the units
    whose history is counted under a unit of the root's subtree.
    """
    root_id = None if root is None else _unit_id(root)
    return UnitTree.load().rollup_map(units_on=units_on, root=root_id)


def rollup_former_codes(
    *, units_on: datetime.date, root: Unit | int | None = None
) -> dict[int, list[str]]:
    """The `Gồm đơn vị cũ` column: unit id → sorted codes of the former units it counts."""
    tree = UnitTree.load()
    root_id = None if root is None else _unit_id(root)
    return tree.former_codes(tree.rollup_map(units_on=units_on, root=root_id))
