from __future__ import annotations

from celery import shared_task

from .models import FollowUp, Notification, NotificationKind
from .notifications import NotificationFailed, followup_notify, followup_remind_deadlines


@shared_task(autoretry_for=(NotificationFailed,), retry_backoff=60, max_retries=5)
def followup_notify_assigned(followup_id: int) -> int:
    """E-mail the unit's managers; a retry resends only the e-mails that failed."""
    followup = FollowUp.objects.select_related("unit", "campaign").filter(pk=followup_id).first()
    if followup is None:
        return 0
    sent, failed = followup_notify(followup=followup, kind=NotificationKind.ASSIGNED)
    if failed:
        raise NotificationFailed(f"{failed} e-mail(s) about follow-up {followup_id} failed")
    return sent


@shared_task
def followup_deadline_reminders() -> int:
    """Daily (celery beat, migration 0002): e-mail managers of follow-ups due within 3 days."""
    return followup_remind_deadlines()


@shared_task
def followup_notify_pending() -> int:
    """Every few minutes (beat, migration 0006): the assignment e-mails of open follow-ups that
    were never queued (the broker was down when they were opened). Claims make it idempotent."""
    import datetime

    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from .models import OPEN_FOLLOWUP_STATUSES

    since = timezone.now() - datetime.timedelta(days=14)
    notified = Notification.objects.filter(followup=OuterRef("pk"), kind=NotificationKind.ASSIGNED)
    pending = FollowUp.objects.filter(
        status__in=OPEN_FOLLOWUP_STATUSES, created_at__gte=since
    ).filter(~Exists(notified))
    sent = 0
    for followup in pending.select_related("unit", "campaign")[:200]:
        sent += followup_notify(followup=followup, kind=NotificationKind.ASSIGNED)[0]
    return sent
