"""Answers behind an invitation become anonymous: the response's link to its invitation goes.

The invitation keeps only the day it was answered (`answered_on`, the local date of the old
`used_at`). Reversing restores the columns but NOT the links: they are gone by design, and
`used_at` comes back as midnight (Asia/Ho_Chi_Minh) of the day answered.
"""

import datetime
import zoneinfo

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


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_configstamp"),
    ]

    operations = [
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
    ]
