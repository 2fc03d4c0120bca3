from django.db import migrations


def replace_functions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from dashboard import triggers

    for statement in triggers.create_sql():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """The response-update trigger now skips rows whose counted slice did not change."""

    dependencies = [("dashboard", "0004_signals_schedule")]

    operations = [migrations.RunPython(replace_functions, migrations.RunPython.noop)]
