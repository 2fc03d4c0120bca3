from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from .models import Campaign


def home(request):
    campaigns = Campaign.objects.accepting().order_by("closes_on")
    return render(request, "surveys/home.html", {"campaigns": campaigns})


def unit_picker(request, slug: str):
    campaign = get_object_or_404(Campaign.objects.accepting(), slug=slug)
    units = campaign.units.order_by("kind", "sort_order", "code")
    return render(request, "surveys/unit_picker.html", {"campaign": campaign, "units": units})
