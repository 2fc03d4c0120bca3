from __future__ import annotations

from celery import shared_task

from surveys.models import Campaign, CampaignStatus

from .signals import signals_refresh


@shared_task
def stuffing_signals_refresh(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    return signals_refresh(campaign=campaign) if campaign else 0


@shared_task
def stuffing_signals_nightly() -> int:
    """Beat (migration 0004): refresh the signals of every open campaign before the reports."""
    ids = Campaign.objects.filter(status=CampaignStatus.OPEN).values_list("pk", flat=True)
    for campaign_id in ids:
        stuffing_signals_refresh.delay(campaign_id)
    return len(ids)
