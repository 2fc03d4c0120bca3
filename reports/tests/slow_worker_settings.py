"""Settings of the worker that test_worker.py kills mid-run: the test profile plus a slow sheet."""

from kbnn_survey.settings.test import *  # noqa: F403

CELERY_IMPORTS = ["reports.tests.slow_sheet"]
