"""Thin Celery tasks: ids in, a service does the work, the task owns its retries."""

from __future__ import annotations

from celery import shared_task

from .services import mailing

RETRY_BASE_SECONDS = 60


@shared_task(bind=True, acks_late=True, max_retries=mailing.MAX_SEND_ATTEMPTS)
def invitations_send(self, campaign_id: int) -> dict:
    # acks_late: a worker that dies mid-batch gets the task redelivered; the claims in the
    # service make the second run skip whatever the first one already handled.
    outcome = mailing.invitations_send_pending(campaign_id=campaign_id)
    if outcome.to_retry:
        raise self.retry(countdown=RETRY_BASE_SECONDS * 2**self.request.retries)
    return outcome.__dict__


@shared_task(bind=True, acks_late=True, max_retries=3)
def invitations_remind(self, after_days: int = 7, max_reminders: int = 2) -> dict:
    """Run by django-celery-beat; the schedule and these arguments are edited in the admin."""
    outcome = mailing.invitations_remind(after_days=after_days, max_reminders=max_reminders)
    if outcome.to_retry:
        raise self.retry(countdown=RETRY_BASE_SECONDS * 2**self.request.retries)
    return outcome.__dict__
