"""/dashboard/: leadership, the survey team and unit managers (their unit only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followups.access import can_triage, managed_unit
from followups.selectors import overdue_count
from kbnn_survey.queueing import enqueue_on_commit
from surveys.models import Campaign
from surveys.scope import scope_for

from .access import dashboard_unit_ids, default_round, rounds_visible
from .charts import chart_data
from .selectors import (
    Period,
    campaigns_for_picker,
    dashboard_data,
    index_quotas,
    quota_rows,
    signals_computed_since,
    stored_signals,
    years_for_picker,
)


def _rounds(request) -> list:
    """The non-draft rounds the user's scope sees, newest first: one query a request (it was
    three, 20 ms of a region's page)."""
    if not hasattr(request, "dashboard_rounds"):
        request.dashboard_rounds = list(rounds_visible(request.user, campaigns_for_picker()))
    return request.dashboard_rounds


def _campaign(request):
    """The round asked for (404 if unknown), else the current one; None before any round."""
    slug = request.GET.get("campaign") or request.POST.get("campaign")
    if slug:
        if not slug_re.match(slug):  # not a slug (say, a NUL that PostgreSQL cannot compare)
            raise Http404
        found = next((c for c in _rounds(request) if c.slug == slug), None)
        if found is None:
            raise Http404
        return found
    return default_round(request.user)


def _period(request) -> Period | None:
    """`?year=2025`: every non-draft round of that year (404 if none or not a year); else the
    round of `?campaign=` or the current one; None before any round."""
    year = request.GET.get("year")
    if year:
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise Http404
        period = Period.of_year(int(year), within=_rounds(request))
        if period is None:
            raise Http404
        return period
    campaign = _campaign(request)
    return Period([campaign]) if campaign is not None else None


def _visible(request, unit_ids):
    """The rounds the user's scope sees (None: all, for a user who sees every unit)."""
    if unit_ids is None:
        return None
    return Campaign.objects.filter(pk__in=[c.pk for c in _rounds(request)])


def _pickers(request, period: Period) -> dict:
    campaigns = _rounds(request)
    return {"campaigns": campaigns, "years": years_for_picker(campaigns), "period": period}


def _no_round(request):
    return render(request, "dashboard/no_round.html")


@login_required
def index(request):
    unit_ids = dashboard_unit_ids(request.user)
    period = _period(request)
    if period is None:
        return _no_round(request)
    dash = dashboard_data(
        period=period,
        unit_ids=unit_ids,
        rounds=_visible(request, unit_ids),
        tree=scope_for(request.user).tree,
    )
    quotas_listed, quota_count = index_quotas(dash.quotas)
    context = {
        "dash": dash,
        "quotas_listed": quotas_listed,
        "quota_count": quota_count,
        **_pickers(request, period),
        "charts": chart_data(dash),
        "own_unit": managed_unit(request.user) if unit_ids is not None else None,
        "overdue": overdue_count(request.user),
        "behind": [q for q in dash.quotas if q.behind],
        "can_triage": can_triage(request.user),
    }
    if context["can_triage"]:
        # A round seen through one of its units shows only the signals of the user's units.
        context["signal_check"], context["signals"] = stored_signals(
            campaign=period.campaign, period=period, unit_of=dash.scope.unit_of, unit_ids=unit_ids
        )
    return render(request, "dashboard/index.html", context)


@login_required
def quota(request):
    unit_ids = dashboard_unit_ids(request.user)
    period = _period(request)
    if period is None:
        return _no_round(request)
    context = {
        "campaign": period.campaign,
        **_pickers(request, period),
        "quotas": quota_rows(
            period=period, unit_ids=unit_ids, tree=scope_for(request.user).tree
        ),
        "today": timezone.localdate(),
    }
    return render(request, "dashboard/quota.html", context)


@login_required
@require_POST
def signals_refresh(request):
    if not can_triage(request.user):
        raise PermissionDenied
    dashboard_unit_ids(request.user)  # a team without a unit: 403
    campaign = _campaign(request)
    if campaign is None:
        return _no_round(request)
    from .tasks import stuffing_signals_refresh

    pk = campaign.pk
    asked_at = timezone.now()
    enqueue_on_commit(stuffing_signals_refresh, pk)  # broker down: beat's nightly run catches up
    # In-process (no broker) the signals are already computed: say so, not "being recomputed".
    if signals_computed_since(campaign=campaign, since=asked_at):
        messages.success(request, _("The signals have been recomputed."))
    else:
        messages.info(request, _("The signals are being recomputed; reload the page in a moment."))
    return redirect(f"{reverse('dashboard:index')}?campaign={campaign.slug}")
