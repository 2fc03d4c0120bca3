from django.db import migrations

from followups.schedules import daily_task_ensure, daily_task_remove

NAME = "Dấu hiệu bất thường trong phiếu (dashboard)"


def schedule(apps, schema_editor):
    # 00:30, before the nightly reports (01:00), so that their "Kiểm tra" sheet finds them fresh.
    task = "dashboard.tasks.stuffing_signals_nightly"
    daily_task_ensure(apps, name=NAME, task=task, hour=0, minute=30)


def unschedule(apps, schema_editor):
    daily_task_remove(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0003_signal_check"),
        ("followups", "0002_deadline_reminder_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
