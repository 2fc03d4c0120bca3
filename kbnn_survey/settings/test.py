"""Test profile: the database and Redis come from the environment (CI sets PostgreSQL and Redis)."""

from .base import *  # noqa: F403
from .base import STORAGES, env

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
