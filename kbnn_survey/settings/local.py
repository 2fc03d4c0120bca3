"""Local profile (KBNN_PROFILE=local, chosen by `make run`): SQLite unless DATABASE_URL says
otherwise, tasks in-process, mail to the console, DEBUG on, a development key."""

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# seed_demo creates logins with published passwords: allowed here only.
DEMO_ALLOWED = env.bool("DEMO_ALLOWED", default=True)

# The manifest storage needs collectstatic; the development server serves static/ directly.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
