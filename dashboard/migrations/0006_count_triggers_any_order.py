from importlib import import_module

from django.db import migrations

# The functions' SQL, frozen in migration 0002 (the same text 0005 and 0006 installed).
CREATE_SQL = import_module("dashboard.migrations.0002_count_triggers").CREATE_SQL


def replace_functions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """Response insert/delete triggers also count answers already there (SQL in any order)."""

    dependencies = [("dashboard", "0005_count_triggers_skip_unchanged")]

    operations = [migrations.RunPython(replace_functions, migrations.RunPython.noop)]
