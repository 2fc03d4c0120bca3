"""Answers behind an invitation become anonymous: the response's link to its invitation goes.

The invitation keeps only the day it was answered (`answered_on`, the local date of the old
`used_at`). Reversing restores the columns but NOT the links: they are gone by design, and
`used_at` comes back as midnight (Asia/Ho_Chi_Minh) of the day answered.
"""

import datetime
import zoneinfo

import importlib

from django.db import migrations, models

LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def days_from_times(apps, schema_editor):
    Invitation = apps.get_model("surveys", "Invitation")
    for pk, used_at in (
        Invitation.objects.filter(used_at__isnull=False).values_list("pk", "used_at").iterator()
    ):
        Invitation.objects.filter(pk=pk).update(answered_on=used_at.astimezone(LOCAL).date())


def times_from_days(apps, schema_editor):
    Invitation = apps.get_model("surveys", "Invitation")
    for pk, day in (
        Invitation.objects.filter(answered_on__isnull=False)
        .values_list("pk", "answered_on")
        .iterator()
    ):
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=LOCAL)
        Invitation.objects.filter(pk=pk).update(used_at=midnight)


_frozen = importlib.import_module("surveys.migrations.0007_answered_questionnaire_frozen")


def _on_sqlite(step):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            step(apps, schema_editor)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0008_kiosk_channel_response_duration"),
    ]

    operations = [
        # SQLite rebuilds surveys_response below, which the frozen-questionnaire triggers of
        # 0007 name: drop them first and create them again after (as 0008 does).
        migrations.RunPython(_on_sqlite(_frozen.uninstall), _on_sqlite(_frozen.install)),
        migrations.AddField(
            model_name="invitation",
            name="answered_on",
            field=models.DateField(blank=True, null=True, verbose_name="answered on"),
        ),
        migrations.RunPython(days_from_times, times_from_days, elidable=True),
        migrations.RemoveField(model_name="invitation", name="used_at"),
        # Reversed, the column comes back empty: which response came from which invitation is
        # not kept anywhere, on purpose.
        migrations.RemoveField(model_name="response", name="invitation"),
        migrations.RunPython(_on_sqlite(_frozen.install), _on_sqlite(_frozen.uninstall)),
    ]
