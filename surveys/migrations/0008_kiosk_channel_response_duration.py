"""The kiosk channel (issue 16) and the time to complete a form, in seconds.

On SQLite, changing the channel check rebuilds surveys_response, which the frozen-questionnaire
triggers of 0007 name: they are dropped first and created again after.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

_frozen = importlib.import_module("surveys.migrations.0007_answered_questionnaire_frozen")


def _on_sqlite(step):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            step(apps, schema_editor)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0007_answered_questionnaire_frozen"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_on_sqlite(_frozen.uninstall), _on_sqlite(_frozen.install)),
        migrations.RemoveConstraint(
            model_name="response",
            name="response_channel_valid",
        ),
        migrations.AddField(
            model_name="response",
            name="duration_seconds",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="time to complete (s)"
            ),
        ),
        migrations.AlterField(
            model_name="refusalcount",
            name="reason",
            field=models.CharField(
                choices=[
                    ("rate_limit", "Too many submissions from one address"),
                    ("honeypot", "Hidden field filled (robot)"),
                    ("replay", "Form submitted twice"),
                    ("invalid", "Invalid answers"),
                    ("closed", "Campaign not accepting answers"),
                    ("invitation", "Invitation unknown, expired or used"),
                    ("kiosk_revoke", "Kiosk revoked or not enrolled"),
                    ("kiosk_closed", "Kiosk answer kept offline until the round had closed"),
                ],
                max_length=12,
                verbose_name="reason",
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="channel",
            field=models.CharField(
                choices=[
                    ("web", "Web link"),
                    ("qr", "QR code at the counter"),
                    ("portal", "Online public-service portal"),
                    ("email", "E-mail invitation"),
                    ("paper", "Paper form"),
                    ("kiosk", "Tablet at the counter (kiosk)"),
                ],
                max_length=8,
                verbose_name="channel",
            ),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("channel__in", ["web", "qr", "portal", "email", "paper", "kiosk"])
                ),
                name="response_channel_valid",
            ),
        ),
        migrations.RunPython(_on_sqlite(_frozen.install), _on_sqlite(_frozen.uninstall)),
    ]
