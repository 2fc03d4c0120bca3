"""Reads for the survey pages and the survey team."""

from __future__ import annotations

from django.db.models import Sum

from .models import Campaign, RefusalCount, RefusalReason


def refusals_by_reason(*, campaign: Campaign) -> list[tuple[str, int]]:
    """Refused submissions of a campaign, per reason (label, total), most frequent first."""
    rows = (
        RefusalCount.objects.filter(campaign=campaign)
        .values("reason")
        .annotate(total=Sum("count"))
        .order_by("-total", "reason")
    )
    labels = dict(RefusalReason.choices)
    return [(str(labels.get(row["reason"], row["reason"])), row["total"]) for row in rows]
