"""A unit's subtree (the unit and every unit under it by `parent`)."""

from __future__ import annotations

import datetime

from .models import Unit


def subtree_ids(unit, *, day: datetime.date | None = None) -> set[int]:
    """Ids of `unit` and all its descendants, one query per level of the tree.

    With `day`, descendants not valid on that day are left out (the unit itself always stays),
    and so are the units under them.
    """
    ids = {unit.pk}
    level = {unit.pk}
    while level:
        children = Unit.objects.filter(parent_id__in=level).exclude(pk__in=ids)
        if day is not None:
            children = children.valid_on(day)
        level = set(children.values_list("pk", flat=True))
        ids |= level
    return ids
