"""PostgreSQL whose per-request health check also reads the survey configuration stamp.

With CONN_HEALTH_CHECKS, Django asks a reused connection `SELECT 1` before a request's first
query. A customer's page and submission start by reading the ConfigStamp token
(surveys.snapshots); reading that token as the health check answers both in one round trip.
"""

from __future__ import annotations

from django.db.backends.postgresql import base

STAMP_SQL = "SELECT token FROM surveys_configstamp WHERE id = 1"


class DatabaseWrapper(base.DatabaseWrapper):
    # (token,) as read by a health check during the latest cursor() call, else None.
    checked_stamp: tuple[str | None] | None = None

    def _cursor(self, name=None):
        # Only a health check run by this very call may hand over its reading.
        self.checked_stamp = None
        return super()._cursor(name)

    def is_usable(self) -> bool:
        if self.connection is None:
            return False
        try:
            # A psycopg cursor directly, as Django's own check does. Outside a transaction (the
            # check runs before a request's first statement), so a missing table (a database
            # not migrated yet) costs nothing but the reading.
            with self.connection.cursor() as cursor:
                cursor.execute(STAMP_SQL)
                row = cursor.fetchone()
        except base.Database.ProgrammingError:
            return self._plain_check()
        except base.Database.Error:
            return False
        self.checked_stamp = (row[0] if row else None,)
        return True

    def _plain_check(self) -> bool:
        try:
            self.connection.rollback()
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except base.Database.Error:
            return False
        return True
