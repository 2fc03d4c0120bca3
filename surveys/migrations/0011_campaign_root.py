"""Campaigns belong to a root (DESIGN: roots), and each root numbers its own rounds.

Existing rounds get the root above their units (the topmost ancestor by `parent`) when all their
units share one; otherwise the root stays empty (a one-root installation). Reversing drops the
column; it refuses while two roots share a year and round, which the old constraint forbids.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models


def fill_roots(apps, schema_editor):
    Campaign = apps.get_model("surveys", "Campaign")
    Unit = apps.get_model("surveys", "Unit")
    parent = dict(Unit.objects.values_list("pk", "parent_id"))

    def top(pk):
        seen = set()
        while parent.get(pk) is not None and pk not in seen:
            seen.add(pk)
            pk = parent[pk]
        return pk

    for campaign in Campaign.objects.all():
        roots = {top(pk) for pk in campaign.units.values_list("pk", flat=True)}
        if len(roots) == 1:
            Campaign.objects.filter(pk=campaign.pk).update(root_id=roots.pop())


_frozen = importlib.import_module("surveys.migrations.0007_answered_questionnaire_frozen")


def _on_sqlite(step):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            step(apps, schema_editor)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0010_response_corrections"),
    ]

    operations = [
        # SQLite rebuilds surveys_campaign to drop the old constraint, and the frozen-
        # questionnaire triggers of 0007 name it: drop them first and create them after.
        migrations.RunPython(_on_sqlite(_frozen.uninstall), _on_sqlite(_frozen.install)),
        migrations.RemoveConstraint(model_name="campaign", name="campaign_year_round"),
        migrations.AddField(
            model_name="campaign",
            name="root",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The branch or regional treasury that owns the round (DESIGN: roots); its "
                    "survey team, leadership and managers see it. Empty only in a one-root "
                    "installation."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="root_campaigns",
                to="surveys.unit",
                verbose_name="root unit",
            ),
        ),
        migrations.RunPython(fill_roots, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.UniqueConstraint(
                condition=models.Q(("root__isnull", False)),
                fields=("root", "year", "round"),
                name="campaign_root_year_round",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.UniqueConstraint(
                condition=models.Q(("root__isnull", True)),
                fields=("year", "round"),
                name="campaign_year_round",
            ),
        ),
        migrations.RunPython(_on_sqlite(_frozen.install), _on_sqlite(_frozen.uninstall)),
    ]
