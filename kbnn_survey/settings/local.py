"""Embedded default: SQLite, tasks in-process, mail to the console, DEBUG on."""

from .base import *  # noqa: F403
from .base import STORAGES

# The manifest storage needs collectstatic; the development server serves static/ directly.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
