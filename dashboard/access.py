"""Who sees which units and rounds on the dashboard: the user's scope (surveys.scope)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from followups.access import managed_unit
from followups.selectors import default_campaign_id
from surveys.models import Campaign
from surveys.roles import sees_results
from surveys.scope import scope_for


def dashboard_unit_ids(user) -> list[int] | None:
    """None: every unit (a superuser); else the units of the user's subtree; 403 for a user
    who may not see results, or who has no unit (fail closed)."""
    if not (sees_results(user) or managed_unit(user) is not None):
        raise PermissionDenied
    scope = scope_for(user)
    if scope.everything:
        return None
    if scope.empty:
        raise PermissionDenied
    return scope.ids()


def rounds_visible(user, rounds: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return scope_for(user).campaigns(rounds)


def default_round(user) -> Campaign | None:
    pk = default_campaign_id(scope=scope_for(user))
    return Campaign.objects.filter(pk=pk).first() if pk else None
