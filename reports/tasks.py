"""Celery tasks: thin, ids in, services do the work."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready, worker_shutting_down

from . import services, watchdog


@worker_ready.connect
def _watchdog_start(**kwargs) -> None:
    watchdog.start()


@worker_shutting_down.connect
def _watchdog_stop(**kwargs) -> None:
    watchdog.stop()


# acks_late: a worker killed mid-run leaves the message to be delivered again; claiming with a
# conditional update (services.report_claim) makes the second delivery harmless.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def compile_report(run_id: int) -> bool:
    return services.report_run_execute(run_id=run_id)


@shared_task(ignore_result=True)
def requeue_stale_reports() -> list[int]:
    return services.report_requeue_stale().requeued


@shared_task(ignore_result=True)
def compile_scheduled_reports() -> list[int]:
    return [run.pk for run in services.reports_schedule()]
