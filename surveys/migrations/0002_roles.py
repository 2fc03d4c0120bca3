from django.db import migrations


# Frozen here as they were when this migration was written (no import of live code); what the
# apps declare now is granted after every migrate by surveys.roles.roles_sync.
SURVEY_TEAM, LEADERSHIP, UNIT_MANAGER = "Tổ khảo sát", "Lãnh đạo", "Quản lý đơn vị"
_SURVEY_MODELS = [
    "unit",
    "respondentgroup",
    "campaign",
    "quota",
    "questionnaire",
    "aspect",
    "question",
    "invitation",
    "followup",
]
ROLE_PERMISSIONS = {
    SURVEY_TEAM: [
        *(
            f"surveys.{action}_{model}"
            for model in _SURVEY_MODELS
            for action in ("add", "change", "delete", "view")
        ),
        "surveys.view_response",
        "surveys.view_answer",
        "surveys.view_responsecontact",
        "surveys.view_refusalcount",
        "surveys.view_staffprofile",
        "surveys.view_all_results",
        "surveys.key_paper_forms",
        "surveys.triage_comments",
        "reports.view_reportrun",
        "reports.request_report",
        "reports.lock_report",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_crontabschedule",
        "django_celery_beat.change_crontabschedule",
        "django_celery_beat.view_intervalschedule",
        "django_celery_beat.add_intervalschedule",
    ],
    LEADERSHIP: [
        *(f"surveys.view_{model}" for model in _SURVEY_MODELS),
        "surveys.view_response",
        "surveys.view_answer",
        "surveys.view_refusalcount",
        "surveys.view_all_results",
        "reports.view_reportrun",
        "reports.request_report",
        "reports.lock_report",
    ],
    UNIT_MANAGER: [
        "surveys.view_followup",
        "surveys.manage_own_unit_followups",
    ],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        found = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*found)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    """Role groups as they were then; surveys.roles.roles_sync grants what the apps declare."""

    dependencies = [
        ("surveys", "0001_initial"),
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
