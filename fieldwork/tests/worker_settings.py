"""Settings of the Celery worker process started by test_worker.py (a real, separate worker)."""

import os

from kbnn_survey.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "fieldwork.tests.mailbackends.RecordingBackend"
TEST_MAIL_LOG = os.environ["TEST_MAIL_LOG"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
