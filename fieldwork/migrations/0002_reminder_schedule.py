"""The reminder schedule, editable by the survey team in the admin (django-celery-beat)."""

import json

from django.db import migrations

TASK_NAME = "Nhắc lời mời khảo sát"
TASK = "fieldwork.tasks.invitations_remind"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Every morning at 09:00 Vietnam time; each invitation is reminded `after_days` after the
    # invitation (or the previous reminder), at most `max_reminders` times.
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="9",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Ho_Chi_Minh",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": schedule,
            "kwargs": json.dumps({"after_days": 7, "max_reminders": 2}),
            "description": "Gửi thư nhắc các đơn vị chưa trả lời khảo sát. Sửa giờ chạy, "
            "số ngày (after_days) và số lần nhắc tối đa (max_reminders) tại đây.",
            "enabled": True,
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
