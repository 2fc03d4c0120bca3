"""Who sees which units on the dashboard."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from followups.access import managed_unit
from surveys.roles import sees_all_units


def dashboard_unit_ids(user) -> list[int] | None:
    """None: every unit (leadership, survey team); [unit]: a unit manager; else 403."""
    if sees_all_units(user):
        return None
    unit = managed_unit(user)
    if unit is None:
        raise PermissionDenied
    return [unit.pk]
