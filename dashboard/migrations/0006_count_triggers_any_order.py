from django.db import migrations


def replace_functions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from dashboard import triggers

    for statement in triggers.create_sql():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """Response insert/delete triggers also count answers already there (SQL in any order)."""

    dependencies = [("dashboard", "0005_count_triggers_skip_unchanged")]

    operations = [migrations.RunPython(replace_functions, migrations.RunPython.noop)]
