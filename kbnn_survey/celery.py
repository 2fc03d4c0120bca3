import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbnn_survey.settings.profile")

app = Celery("kbnn_survey")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
