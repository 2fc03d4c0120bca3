"""Thin Celery tasks: ids in, a service does the work, the task owns its retries."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .services import mailing


def _retry_countdown(retries: int) -> int:
    # Exponential backoff for temporary SMTP failures: 60 s, 120 s, 240 s…
    # (INVITATION_RETRY_SECONDS lets the worker test wait one second instead of a minute.)
    return getattr(settings, "INVITATION_RETRY_SECONDS", 60) * 2**retries


@shared_task(bind=True, acks_late=True, max_retries=mailing.MAX_SEND_ATTEMPTS)
def invitations_send(self, campaign_id: int) -> dict:
    # acks_late: a worker that dies mid-batch gets the task redelivered; the claims in the
    # service make the second run skip whatever the first one already handled.
    outcome = mailing.invitations_send_pending(campaign_id=campaign_id)
    # In-process (no broker) there is nobody to wait: the next click sends what is left.
    if outcome.to_retry and not self.request.is_eager:
        raise self.retry(countdown=_retry_countdown(self.request.retries))
    return outcome.__dict__


@shared_task(bind=True, acks_late=True, max_retries=3)
def invitations_remind(self, after_days: int = 7, max_reminders: int = 2) -> dict:
    """Run by django-celery-beat; the schedule and these arguments are edited in the admin."""
    outcome = mailing.invitations_remind(after_days=after_days, max_reminders=max_reminders)
    if outcome.to_retry and not self.request.is_eager:
        raise self.retry(countdown=_retry_countdown(self.request.retries))
    return outcome.__dict__


@shared_task(acks_late=True)
def personal_data_erase() -> dict:
    # Idempotent: a second run finds nothing left to erase.
    from .services.retention import personal_data_erase as erase

    erased = erase()
    return {"contacts": erased.contacts, "invitees": erased.invitees}


# acks_late: a worker killed mid-import leaves the message to be delivered again; the claim
# (pending → running, a conditional update) makes a second delivery do nothing, and the import
# is one transaction, so the killed attempt saved nothing.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def import_job_run(job_id: int) -> bool:
    from .services.import_jobs import import_job_execute

    return import_job_execute(job_id=job_id)
