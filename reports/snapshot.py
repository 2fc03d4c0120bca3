"""The report's view of the data while responses keep arriving: one module, both databases.

PostgreSQL: the compile runs in one REPEATABLE READ transaction, so `Tổng hợp`'s counts and the
rows of `Dữ liệu` come from the same moment (its progress is saved on another connection:
kbnn_survey/progress.py). SQLite (the embedded default, one writer): a plain transaction.
"""

from __future__ import annotations

from django.db import connection, transaction


def snapshot():
    """A transaction that sees one snapshot of the data (see the module's docstring)."""
    return _Snapshot()


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
