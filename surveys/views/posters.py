"""Print-styled A4 posters with the QR code of each unit's survey (survey team only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from surveys.models import Campaign
from surveys.posters import qr_svg, unit_survey_url
from surveys.scope import scope_for

POSTER_PERMISSION = "surveys.change_campaign"


def _posters(campaign: Campaign, units) -> list[dict]:
    posters = []
    for unit in units:
        url = unit_survey_url(campaign, unit)
        posters.append({"unit": unit, "url": url, "svg": qr_svg(url)})
    return posters


@login_required
@permission_required(POSTER_PERMISSION, raise_exception=True)
def campaign_posters(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request.user)  # another region's round answers 404
    campaign = get_object_or_404(scope.campaigns(), slug=slug)
    units = scope.units(campaign.units.valid_on(timezone.localdate())).order_by(
        "kind", "sort_order", "code"
    )
    context = {"campaign": campaign, "posters": _posters(campaign, units)}
    return render(request, "surveys/posters.html", context)


@login_required
@permission_required(POSTER_PERMISSION, raise_exception=True)
def unit_poster(request: HttpRequest, slug: str, unit_code: str) -> HttpResponse:
    scope = scope_for(request.user)
    campaign = get_object_or_404(scope.campaigns(), slug=slug)
    unit = get_object_or_404(scope.units(campaign.units.all()), code=unit_code)
    context = {"campaign": campaign, "posters": _posters(campaign, [unit])}
    return render(request, "surveys/posters.html", context)
