"""Settings of the portal under bench/submit.py: the production profile (DEBUG=0) as is, except
the static storage. The bench fetches no static files, and `collectstatic` with the manifest
storage currently fails on Chart.js's missing source map, so URLs are built without a manifest.
"""

from kbnn_survey.settings import *  # noqa: F403
from kbnn_survey.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
