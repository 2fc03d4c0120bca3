"""/dashboard/: leadership, the survey team and unit managers (their unit only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followups.access import can_triage, managed_unit
from followups.selectors import overdue_count
from kbnn_survey.queueing import enqueue_on_commit

from .access import dashboard_unit_ids
from .charts import chart_data
from .selectors import (
    campaigns_for_picker,
    dashboard_data,
    default_campaign,
    quota_rows,
    signals_computed_since,
    stored_signals,
)


def _campaign(request):
    """The round asked for (404 if unknown), else the current one; None before any round."""
    slug = request.GET.get("campaign") or request.POST.get("campaign")
    if slug:
        if not slug_re.match(slug):  # not a slug (say, a NUL that PostgreSQL cannot compare)
            raise Http404
        return get_object_or_404(campaigns_for_picker(), slug=slug)
    return default_campaign()


def _no_round(request):
    return render(request, "dashboard/no_round.html")


@login_required
def index(request):
    unit_ids = dashboard_unit_ids(request.user)
    campaign = _campaign(request)
    if campaign is None:
        return _no_round(request)
    dash = dashboard_data(campaign=campaign, unit_ids=unit_ids)
    context = {
        "dash": dash,
        "campaigns": campaigns_for_picker(),
        "charts": chart_data(dash),
        "own_unit": managed_unit(request.user) if unit_ids is not None else None,
        "overdue": overdue_count(request.user),
        "behind": [q for q in dash.quotas if q.behind],
        "can_triage": can_triage(request.user),
    }
    if context["can_triage"]:
        context["signal_check"], context["signals"] = stored_signals(campaign=campaign)
    return render(request, "dashboard/index.html", context)


@login_required
def quota(request):
    unit_ids = dashboard_unit_ids(request.user)
    campaign = _campaign(request)
    if campaign is None:
        return _no_round(request)
    context = {
        "campaign": campaign,
        "campaigns": campaigns_for_picker(),
        "quotas": quota_rows(campaign=campaign, unit_ids=unit_ids),
        "today": timezone.localdate(),
    }
    return render(request, "dashboard/quota.html", context)


@login_required
@require_POST
def signals_refresh(request):
    if not can_triage(request.user):
        raise PermissionDenied
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
