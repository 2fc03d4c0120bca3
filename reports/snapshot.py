"""The report's view of the data while responses keep arriving: one module, both databases.

PostgreSQL: the compile runs in one REPEATABLE READ transaction, so `Tổng hợp`'s counts and the
rows of `Dữ liệu` come from the same moment; since nobody outside would see progress written
inside that transaction before its end, progress is saved by a thread on its own connection.
SQLite (the embedded default, one writer): a plain transaction, and progress written directly.
"""

from __future__ import annotations

from django.db import connection, transaction


def snapshot():
    """A transaction that sees one snapshot of the data (see the module's docstring)."""
    return _Snapshot()


def progress_needs_own_connection() -> bool:
    """Whether progress must be saved on a separate connection during `snapshot()`.

    Only on PostgreSQL outside an enclosing transaction (a test's transaction sees its own
    writes, and SQLite would lock against itself).
    """
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class _Snapshot:
    def __enter__(self):
        outermost = not connection.in_atomic_block
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Not READ ONLY: a registered sheet may refresh a summary table it reads.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return self

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)
