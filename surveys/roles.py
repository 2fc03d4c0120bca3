"""The three staff roles, as auth groups. Each app declares what its roles may do
(`role_permissions` on its AppConfig); `roles_sync` grants them after every migrate."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing auth models here would load them before the app registry
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

SURVEY_TEAM = "Tổ khảo sát"
LEADERSHIP = "Lãnh đạo"
UNIT_MANAGER = "Quản lý đơn vị"
ROLES = (SURVEY_TEAM, LEADERSHIP, UNIT_MANAGER)


def role_permissions() -> dict[str, list[str]]:
    """Each role's permissions ("app_label.codename"), assembled from what every installed app
    declares in its AppConfig's `role_permissions` (role name -> codenames of that app, or
    dotted names for a third-party app's permissions)."""
    from django.apps import apps as global_apps

    assembled: dict[str, list[str]] = {role: [] for role in ROLES}
    for config in global_apps.get_app_configs():
        for role, codenames in getattr(config, "role_permissions", {}).items():
            assembled[role] += [c if "." in c else f"{config.label}.{c}" for c in codenames]
    return assembled


def model_permissions(models: list[str], actions=("add", "change", "delete", "view")) -> list[str]:
    return [f"{action}_{model}" for model in models for action in actions]


def roles_sync(sender=None, using="default", **kwargs) -> None:
    """Create the role groups and grant them role_permissions(); additive (a grant given by
    hand or by a migration is kept). Connected to post_migrate (surveys.apps), which Django
    sends once per app after every migrate; it runs on the last app's, when every permission
    exists (Django's create_permissions runs on the same signal, for each app first)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.models import Group, Permission

    # post_migrate is sent for each app that has models, in INSTALLED_APPS order.
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if sender is not None and sender.label != with_models[-1].label:
        return
    wanted = role_permissions()
    found = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, dotted in wanted.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.add(*(found[d] for d in dotted if d in found))


def user_unit(user: AbstractBaseUser | AnonymousUser):
    """The unit a staff user is linked to (StaffProfile), or None."""
    profile = getattr(user, "staff_profile", None) if user.is_authenticated else None
    return profile.unit if profile is not None else None


def sees_results(user: AbstractBaseUser | AnonymousUser) -> bool:
    """May see the results of every unit *of their scope* (leadership, survey team); which
    units those are is surveys.scope's answer, never global."""
    return user.is_authenticated and user.has_perm("surveys.view_all_results")
