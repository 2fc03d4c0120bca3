"""The watchdog every Celery worker runs beside its tasks: a killed worker's report resumes.

A worker killed in the middle of a run (SIGKILL, OOM, a lost host) leaves it `running`, its
message unacknowledged in Redis until the broker's visibility timeout (an hour). Beat's re-queue
every 5 minutes would pick it up, but a portal may run without beat, and five minutes is long.
So each worker, from the moment it is ready, looks every WATCHDOG_SECONDS for runs whose
heartbeat stopped more than services.DEAD_AFTER ago and re-queues them (a conditional update:
of several workers only one wins). A run killed while a worker is up, or before another one
starts, resumes within DEAD_AFTER + WATCHDOG_SECONDS + the time to build it.

At start it also removes the work directories of runs that no live attempt owns.
"""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, close_old_connections, connection

logger = logging.getLogger(__name__)

WATCHDOG_SECONDS = 10.0

_stop = threading.Event()
_thread: threading.Thread | None = None


def check_once() -> list[int]:
    from . import services

    try:
        return services.report_requeue_dead().requeued
    except DatabaseError:  # the database is away: try again at the next tick
        logger.warning("report watchdog: the database did not answer", exc_info=True)
        return []
    finally:
        close_old_connections()


def _loop() -> None:
    from . import services

    try:
        services.report_workdirs_sweep()
    except (DatabaseError, OSError):
        logger.warning("report watchdog: sweeping work directories failed", exc_info=True)
    try:
        while not _stop.wait(WATCHDOG_SECONDS):
            requeued = check_once()
            if requeued:
                logger.warning("report watchdog: re-queued runs %s (worker died)", requeued)
    finally:
        connection.close()


def start() -> None:
    global _thread
    if _thread is not None and _thread.is_alive():
        return
    _stop.clear()
    _thread = threading.Thread(target=_loop, daemon=True, name="report-watchdog")
    _thread.start()


def stop() -> None:
    _stop.set()
