"""QR posters: the address a counter's QR code opens and its inline SVG."""

from __future__ import annotations

from functools import lru_cache

import segno
from django.urls import reverse

from kbnn_survey.addresses import site_url

from .models import Campaign, Unit

# The marker the printed QR code adds to a unit's survey URL: answers count as channel `qr`.
QR_MARKER = ("k", "qr")


def unit_survey_url(campaign: Campaign, unit: Unit) -> str:
    """Absolute survey URL of a unit with the QR marker, so answers are counted as channel qr."""
    path = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    return f"{site_url()}{path}?{QR_MARKER[0]}={QR_MARKER[1]}"


@lru_cache(maxsize=512)
def qr_svg(url: str) -> str:
    """Inline SVG, sized by CSS; medium error correction survives a worn, taped-up print."""
    code = segno.make(url, error="m")
    return code.svg_inline(scale=1, omitsize=True, title=url)
