"""Daily celery-beat entries written by data migrations (django-celery-beat database scheduler)."""

from __future__ import annotations

TIMEZONE = "Asia/Ho_Chi_Minh"


def daily_task_ensure(apps, *, name: str, task: str, hour: int, minute: int) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=str(minute),
        hour=str(hour),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=TIMEZONE,
    )
    PeriodicTask.objects.update_or_create(
        name=name, defaults={"task": task, "crontab": crontab, "enabled": True}
    )


def daily_task_remove(apps, *, name: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()
