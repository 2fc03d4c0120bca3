"""Opt-outs kept as keyed hashes, and the daily erasure of personal data past its purpose.

Reversing removes the schedule and the table (the hashes go; addresses already erased stay
erased).
"""

from django.db import migrations, models

TASK_NAME = "Xoá dữ liệu cá nhân hết hạn"
TASK = "fieldwork.tasks.personal_data_erase"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="2",
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
            "description": "Xoá thông tin liên hệ và địa chỉ thư của đơn vị được mời khi đã hết "
            "mục đích (CONTACT_RETENTION_DAYS, INVITEE_RETENTION_DAYS); Luật 91/2025/QH15.",
            "enabled": True,
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0005_key_paper_forms_permission"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="OptOut",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "email_hash",
                    models.CharField(
                        max_length=64, unique=True, verbose_name="e-mail (keyed hash)"
                    ),
                ),
                ("opted_out_on", models.DateField(verbose_name="opted out on")),
            ],
            options={
                "verbose_name": "e-mail opt-out",
                "verbose_name_plural": "e-mail opt-outs",
            },
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
