from django.db import migrations


def create_roles(apps, schema_editor):
    from surveys.roles import sync_roles

    sync_roles(apps)


def delete_roles(apps, schema_editor):
    from surveys.roles import ROLE_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    """Role groups. A later migration that changes ROLE_PERMISSIONS calls sync_roles again."""

    dependencies = [
        ("surveys", "0001_initial"),
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
