"""Settings of the portal under bench/submit.py: the production profile as is, except
the static storage. The bench fetches no static files, and `collectstatic` with the manifest
storage currently fails on Chart.js's missing source map, so URLs are built without a manifest.
"""

from kbnn_survey.settings.profile import *  # noqa: F403
from kbnn_survey.settings.profile import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
