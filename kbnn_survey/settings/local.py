"""Local profile (KBNN_PROFILE=local, chosen by `make run`): SQLite unless DATABASE_URL says
otherwise, tasks in-process, mail to the console, DEBUG on, a development key."""

from .base import *  # noqa: F403
from .base import SITE_URL, STORAGES, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Posters and e-mail links carry the address the browser used (kbnn_survey/addresses.py);
# without a request (seed_demo, a worker) this one, said to be assumed unless SITE_URL is set.
SITE_URL_FROM_REQUEST = env.bool("SITE_URL_FROM_REQUEST", default=True)
SITE_URL_ASSUMED = not SITE_URL
SITE_URL = SITE_URL or "http://127.0.0.1:8000"
# seed_demo creates logins with published passwords: allowed here only.
DEMO_ALLOWED = env.bool("DEMO_ALLOWED", default=True)

# The manifest storage needs collectstatic; the development server serves static/ directly.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
