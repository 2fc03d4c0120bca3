"""Reads for the fieldwork pages: batch progress and invitation sending, counted in SQL."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from surveys.models import Campaign, Invitation, InvitationSource

from .models import FormSettlement, KeyedForm, KeyingBatch


def _count(model, **filters) -> Coalesce:
    rows = (
        model.objects.filter(batch=OuterRef("pk"), **filters)
        .order_by()
        .values("batch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def batches_with_progress(campaign: Campaign | None = None) -> QuerySet[KeyingBatch]:
    """Each batch with how many forms are keyed in pass 1, pass 2, and settled (counted)."""
    batches = KeyingBatch.objects.select_related(
        "campaign", "unit", "respondent_group", "first_operator", "second_operator"
    )
    if campaign is not None:
        batches = batches.filter(campaign=campaign)
    return batches.annotate(
        keyed_first=_count(KeyedForm, pass_no=1),
        keyed_second=_count(KeyedForm, pass_no=2),
        settled=_count(FormSettlement),
    )


def batch_progress(batch: KeyingBatch) -> KeyingBatch:
    return batches_with_progress().get(pk=batch.pk)


def invitation_counts(campaigns) -> list[tuple[Campaign, dict[str, int]]]:
    """E-mail invitations of each campaign by sending state, answered, opted out (one query)."""
    campaigns = list(campaigns)
    rows = (
        Invitation.objects.filter(campaign__in=campaigns, source=InvitationSource.EMAIL)
        .values("campaign")
        .annotate(
            total=Count("pk"),
            not_sent=Count("pk", filter=Q(send_status="not_sent")),
            sending=Count("pk", filter=Q(send_status="sending")),
            sent=Count("pk", filter=Q(send_status="sent")),
            failed=Count("pk", filter=Q(send_status="failed")),
            answered=Count("pk", filter=Q(answered_on__isnull=False)),
            opted_out=Count("pk", filter=Q(opted_out_at__isnull=False)),
            reminded=Count("pk", filter=Q(reminders_sent__gt=0)),
        )
        .order_by()
    )
    by_campaign = {row.pop("campaign"): row for row in rows}
    empty = dict.fromkeys(
        ("total", "not_sent", "sending", "sent", "failed", "answered", "opted_out", "reminded"), 0
    )
    return [(c, by_campaign.get(c.pk, empty)) for c in campaigns]
