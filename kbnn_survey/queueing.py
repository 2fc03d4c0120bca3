"""Queueing a task after a staff action, whatever the broker does.

The action's rows are committed first; a broker that is down is then logged, not raised: a 500
after the commit would make the user repeat an action that succeeded (a duplicate). What the
task would have done is caught up by a periodic sweep (e.g. followups.tasks.
followup_notify_pending), whose claims keep it from being done twice.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    def send() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception:
            logger.warning("broker unavailable: %s%r not queued", task.name, args, exc_info=True)

    transaction.on_commit(send)
