from django.db import migrations

# The helpers are frozen here (no import of live code).
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

NAME = "Nhắc hạn xử lý phản ánh (followups)"


def schedule_reminders(apps, schema_editor):
    # Every morning at 07:30, Vietnamese time, before the working day starts.
    task = "followups.tasks.followup_deadline_reminders"
    daily_task_ensure(apps, name=NAME, task=task, hour=7, minute=30)


def unschedule_reminders(apps, schema_editor):
    daily_task_remove(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_reminders, unschedule_reminders)]
