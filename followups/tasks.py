from __future__ import annotations

from celery import shared_task

from surveys.models import FollowUp

from .models import NotificationKind
from .notifications import followup_notify, followup_remind_deadlines


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def followup_notify_assigned(followup_id: int) -> int:
    followup = FollowUp.objects.select_related("unit", "campaign").filter(pk=followup_id).first()
    if followup is None:
        return 0
    return followup_notify(followup=followup, kind=NotificationKind.ASSIGNED)


@shared_task
def followup_deadline_reminders() -> int:
    """Daily (celery beat, migration 0002): e-mail managers of follow-ups due within 3 days."""
    return followup_remind_deadlines()
