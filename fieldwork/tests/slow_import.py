"""Loaded only by the worker that test_import_job_worker.py kills (CELERY_IMPORTS): every form
takes 5 ms longer to store, so the test can kill the worker in the middle of an import."""

import time

from fieldwork.services import imports

_store = imports.response_submit


def _slow_submit(**kwargs):
    time.sleep(0.005)
    return _store(**kwargs)


imports.response_submit = _slow_submit
