"""The reports app's celery beat entries get Vietnamese names, like every other app's: the
survey team reads them in the admin's list of periodic tasks."""

from django.db import migrations

RENAMES = [
    ("reports: nightly compile of campaign reports", "Lập báo cáo các đợt hằng đêm (reports)"),
    ("reports: re-queue interrupted report runs", "Chạy lại báo cáo bị gián đoạn (reports)"),
]


def rename(apps, pairs):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in pairs:
        if not PeriodicTask.objects.filter(name=new).exists():
            PeriodicTask.objects.filter(name=old).update(name=new)


def forwards(apps, schema_editor):
    rename(apps, RENAMES)


def backwards(apps, schema_editor):
    rename(apps, [(new, old) for old, new in RENAMES])


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_year_runs")]

    operations = [migrations.RunPython(forwards, backwards)]
