"""Settings of the worker that test_import_job_worker.py kills mid-import: the test profile plus
a slower form store."""

from kbnn_survey.settings.test import *  # noqa: F403

CELERY_IMPORTS = ["fieldwork.tests.slow_import"]
