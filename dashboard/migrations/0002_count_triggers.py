from django.db import migrations


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the dashboard reads the raw answers instead
    from dashboard import triggers

    for statement in triggers.create_sql() + triggers.rebuild_sql():
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from dashboard import triggers

    for statement in triggers.drop_sql():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """Counts kept exact by triggers, filled from the responses already stored."""

    dependencies = [
        ("dashboard", "0001_initial"),
        ("surveys", "0002_roles"),
    ]

    operations = [migrations.RunPython(install_triggers, remove_triggers)]
