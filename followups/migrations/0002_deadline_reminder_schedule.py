from django.db import migrations

from followups.schedules import daily_task_ensure, daily_task_remove

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
