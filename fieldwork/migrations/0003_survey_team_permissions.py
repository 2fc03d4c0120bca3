"""Let the survey team read batches, keyed forms and imported files in the admin (audit)."""

from django.db import migrations

SURVEY_TEAM = "Tổ khảo sát"  # surveys.roles.SURVEY_TEAM, created by surveys 0002_roles
CODENAMES = ["view_keyingbatch", "view_keyedform", "view_formsettlement", "view_importlog"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    config = apps.get_app_config("fieldwork")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=SURVEY_TEAM).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="fieldwork", codename__in=CODENAMES
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=SURVEY_TEAM).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="fieldwork", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0002_reminder_schedule"),
        ("surveys", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
