"""Counting refused submissions, per campaign, day and reason, without identifying anyone."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from surveys.models import Campaign, RefusalCount, RefusalReason


def refusal_record(*, campaign: Campaign | None, reason: RefusalReason | str) -> None:
    """Add one to today's count; concurrent callers never lose an increment.

    An UPDATE with F() first (the usual case: the row exists); on the day's first refusal the
    row is created in a savepoint, and if a concurrent twin created it first we update again.
    """
    day = timezone.localdate()
    rows = RefusalCount.objects.filter(campaign=campaign, day=day, reason=reason)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            RefusalCount.objects.create(campaign=campaign, day=day, reason=reason, count=1)
    except IntegrityError:
        rows.update(count=F("count") + 1)
