"""Loaded only by the worker of test_worker.py (CELERY_IMPORTS): a sheet that never finishes,
so the test can kill the worker in the middle of a run."""

import time

from reports.exporters import Column, SheetExporter, register_sheet


@register_sheet
class SlowSheet(SheetExporter):
    identifier, title, order = "slow", "Chậm", 15
    columns = (Column("x"),)

    def rows(self, ctx):
        time.sleep(120)
        return []
