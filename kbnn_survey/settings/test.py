"""Test profile: the database and Redis come from the environment (CI sets PostgreSQL and Redis)."""

import os

from .base import *  # noqa: F403
from .base import STORAGES, env

# A worker process started by a test runs on the test's clock (conftest.py's `clock`).
if os.environ.get("KBNN_TEST_CLOCK"):
    import time_machine

    time_machine.travel(os.environ["KBNN_TEST_CLOCK"], tick=True).start()

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="django-insecure-test-key-not-for-production")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Most tests run tasks in-process; the integration tests start a real worker on REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LANGUAGE_CODE = "vi"
# Tests change a campaign and look at its page at once; test_snapshots covers the delay itself.
SURVEY_PAGE_RECHECK_SECONDS = 0.0
DEMO_ALLOWED = True
# The browser keeps cookies for the session whatever the server's clock says: tests run on a
# travelled clock, and an Expires computed from it could lie in the browser's past.
CSRF_COOKIE_AGE = None
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
