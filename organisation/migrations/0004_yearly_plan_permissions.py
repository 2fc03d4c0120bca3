"""Let the survey team keep the yearly plans; leadership reads them."""

from django.db import migrations

SURVEY_TEAM = "Tổ khảo sát"  # surveys.roles.SURVEY_TEAM, created by surveys 0002_roles
LEADERSHIP = "Lãnh đạo"
GRANTS = {
    SURVEY_TEAM: [
        f"{action}_{model}"
        for model in ("yearlyplan", "yearlyplanunit")
        for action in ("add", "change", "delete", "view")
    ],
    LEADERSHIP: ["view_yearlyplan", "view_yearlyplanunit"],
}


def _groups_and_permissions(apps):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    config = apps.get_app_config("organisation")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            yield group, Permission.objects.filter(
                content_type__app_label="organisation", codename__in=codenames
            )


def grant(apps, schema_editor):
    for group, permissions in _groups_and_permissions(apps):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    for group, permissions in _groups_and_permissions(apps):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0003_yearly_plan"),
        ("surveys", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
