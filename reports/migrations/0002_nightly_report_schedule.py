"""Celery beat entries of the reports app (django-celery-beat, editable in the admin).

- every night at 01:30 (Asia/Ho_Chi_Minh): compile each open campaign's report, and once the
  report of each campaign that has closed;
- every 5 minutes: hand runs whose worker died back to a worker.
"""

from django.db import migrations

NIGHTLY = "reports: nightly compile of campaign reports"
REQUEUE = "reports: re-queue interrupted report runs"


def schedule_create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="1",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Ho_Chi_Minh",
    )
    every_5, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NIGHTLY,
        defaults={"task": "reports.tasks.compile_scheduled_reports", "crontab": nightly},
    )
    PeriodicTask.objects.update_or_create(
        name=REQUEUE,
        defaults={"task": "reports.tasks.requeue_stale_reports", "interval": every_5},
    )


def schedule_delete(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[NIGHTLY, REQUEUE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_create, schedule_delete)]
