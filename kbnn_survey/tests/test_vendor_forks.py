"""Where PostgreSQL does more than SQLite, the fork lives in the one module of its concern, with
the SQLite form beside it (README "Both database paths"). A new `connection.vendor` test
elsewhere fails here: put it in the module of its concern, or add a module and say why.
Tests, migrations (frozen SQL), bench/ and conftest.py are outside the product and not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# module -> its concern (the same list as the README's).
FORKS = {
    "surveys/snapshots.py": "the campaign snapshot token (kept by PostgreSQL triggers)",
    "surveys/paginators.py": "the admin's row estimate (pg_class.reltuples, else COUNT(*))",
    "dashboard/cube.py": "the dashboard's counts (trigger-kept table, else raw answers grouped)",
    "reports/snapshot.py": "the report's snapshot transaction (REPEATABLE READ)",
    "kbnn_survey/progress.py": "where a long job's progress is saved (own connection, or not)",
    "reports/exporters/rawdata.py": "the raw-data sheet's Excel day number in SQL",
    "kbnn_survey/health.py": "reports the engine's name in /healthz (no fork)",
}
VENDOR = re.compile(r"\.vendor\b")
SKIP_PARTS = {".venv", "node_modules", "tests", "migrations", "bench"}


def product_modules():
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if SKIP_PARTS.isdisjoint(rel.parts) and rel.name != "conftest.py":
            yield rel.as_posix(), path.read_text(encoding="utf-8")


def test_database_forks_sit_in_the_modules_of_their_concern():
    forking = {rel for rel, text in product_modules() if VENDOR.search(text)}
    assert forking == set(FORKS), (
        f"new: {sorted(forking - set(FORKS))}, gone: {sorted(set(FORKS) - forking)}"
    )

