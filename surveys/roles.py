"""The three staff roles, as auth groups. Their permissions are set by migration 0002_roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

SURVEY_TEAM = "Tổ khảo sát"
LEADERSHIP = "Lãnh đạo"
UNIT_MANAGER = "Quản lý đơn vị"

# app_label.codename for each role. Kept here (not only in the migration) so tests and
# later migrations can check or re-apply them.
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
ROLE_PERMISSIONS: dict[str, list[str]] = {
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


def sync_roles(apps) -> None:
    """Create the role groups and grant them ROLE_PERMISSIONS (callable from migrations).

    Additive: permissions that other apps' migrations grant to a role are kept.
    """
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


def role_group_ensure(name: str):
    """The role's group, made again with its permissions if it was removed (a database emptied
    by hand or by a transactional test keeps the permissions but loses the groups)."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=name)
    if created:
        for dotted in ROLE_PERMISSIONS[name]:
            app_label, codename = dotted.split(".", 1)
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
    return group


def user_unit(user: AbstractBaseUser | AnonymousUser):
    """The unit a unit manager is linked to, or None."""
    profile = getattr(user, "staff_profile", None) if user.is_authenticated else None
    return profile.unit if profile is not None else None


def sees_all_units(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm("surveys.view_all_results")
