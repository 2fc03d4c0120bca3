"""Progress and heartbeat of a long job (a report compile, a large import) that runs inside one
long transaction, whose own writes nobody sees before it ends.

On PostgreSQL a small thread with its own connection saves the latest progress every few
seconds, and keeps the heartbeat fresh even while one long query runs; elsewhere (SQLite, the
embedded default, or inside a test's transaction) each update is written directly. This is the
one place of that fork (kbnn_survey/tests/test_vendor_forks.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


def progress_needs_own_connection() -> bool:
    """Whether progress must be saved on a separate connection: only on PostgreSQL outside an
    enclosing transaction (a test's transaction sees its own writes; SQLite would lock)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class ProgressWriter:
    """`save(percent, note)` writes the job's row and returns whether it is still this
    attempt's (False once another attempt took the job over: `superseded`)."""

    def __init__(self, save: Callable[[int, str], bool], *, name: str, interval: float):
        self.save_row, self.name, self.interval = save, name, interval
        self.latest = (0, "")
        self.superseded = False
        self.threaded = progress_needs_own_connection()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=name)

    def __enter__(self):
        if self.threaded:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        if self.threaded:
            self._stop.set()
            self._thread.join()
        return False

    def update(self, percent: int, note: str) -> None:
        self.latest = (max(0, min(percent, 99)), note[:200])
        if not self.threaded:
            self._save()

    def _save(self) -> None:
        self.superseded = not self.save_row(*self.latest) or self.superseded

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self._save()
        except DatabaseError:  # the next beat retries; the main thread is unaffected
            logger.exception("%s: saving progress failed", self.name)
        finally:
            connection.close()
