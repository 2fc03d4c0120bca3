"""The open campaigns and the unit picker."""

from __future__ import annotations

import unicodedata
from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from surveys.models import Campaign, UnitKind

from . import lookups
from .unavailable import unavailable_page

# Order of the groups in the picker: the units customers meet most often first.
KIND_ORDER = [
    UnitKind.REGIONAL,
    UnitKind.OFFICE,
    UnitKind.DISTRICT,
    UnitKind.DEPARTMENT,
    UnitKind.BRANCH,
]


def plain_text(text: str) -> str:
    """Lower case without Vietnamese diacritics (đ included), for forgiving search."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def home(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.accepting().order_by("closes_on")
    return render(request, "surveys/home.html", {"campaigns": campaigns})


@unavailable_page
def unit_picker(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = lookups.open_campaign(slug)
    query = request.GET.get("q", "").strip()[:100]
    units = list(campaign.units.valid_on(timezone.localdate()))
    if query:
        # A campaign has tens of units: matching in Python lets "hai chau" find "Hải Châu".
        needle = plain_text(query)
        units = [u for u in units if needle in plain_text(f"{u.name} {u.code}")]
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    ordered = sorted(units, key=lambda u: (rank.get(u.kind, 99), u.sort_order, u.code))
    groups = [
        (UnitKind(kind).label if kind in UnitKind.values else kind, list(members))
        for kind, members in groupby(ordered, key=lambda u: u.kind)
    ]
    context = {"campaign": campaign, "groups": groups, "query": query}
    return render(request, "surveys/unit_picker.html", context)
