"""Which report runs a user sees: the one function every page, the admin and the API use.

A run of a unit's subtree (params["unit_id"]) is visible when that unit is in the user's scope;
a run of a whole round when the user's scope owns the round (its root is in the scope:
surveys.scope); a run of a whole year (no campaign, its own root) when that root is in the scope.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from surveys.scope import Scope, scope_for

from .models import ReportRun


def report_runs_in_scope(scope: Scope, qs: QuerySet[ReportRun] | None = None):
    qs = ReportRun.objects.all() if qs is None else qs
    if scope.everything:
        return qs
    if scope.empty:
        return qs.none()
    of_unit = Q(params__unit_id__in=scope.ids())
    # The round's test needs campaign__isnull=False: a year run has no campaign, and a
    # root-less round's `campaign__root__isnull` would match it.
    whole_round = Q(campaign__isnull=False) & scope.owned_campaign_q("campaign__")
    whole_year = Q(campaign__isnull=True, root_id__in=scope.ids())
    whole = Q(params__unit_id__isnull=True) & (whole_round | whole_year)
    return qs.filter(of_unit | whole)


def report_runs_visible(user, qs: QuerySet[ReportRun] | None = None) -> QuerySet[ReportRun]:
    return report_runs_in_scope(scope_for(user), qs)
