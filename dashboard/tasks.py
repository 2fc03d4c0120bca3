from __future__ import annotations

import datetime

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from surveys.models import Campaign, CampaignStatus

from .stuffing import signals_refresh


@shared_task
def stuffing_signals_refresh(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    return signals_refresh(campaign=campaign) if campaign else 0


@shared_task
def stuffing_signals_nightly() -> int:
    """Beat (migration 0004): refresh the signals of every open campaign, and of those closed in
    the last week (late paper forms), before the nightly reports."""
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    ids = list(
        Campaign.objects.filter(
            Q(status=CampaignStatus.OPEN) | Q(status=CampaignStatus.CLOSED, closes_on__gte=week_ago)
        ).values_list("pk", flat=True)
    )
    for campaign_id in ids:
        stuffing_signals_refresh.delay(campaign_id)
    return len(ids)
