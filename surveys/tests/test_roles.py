"""The roles are assembled from what each app declares and granted after every migrate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from surveys import roles


def test_each_app_declares_its_own_permissions_for_the_roles():
    assembled = roles.role_permissions()
    assert "fieldwork.key_paper_forms" in assembled[roles.SURVEY_TEAM]
    assert "followups.triage_comments" in assembled[roles.SURVEY_TEAM]
    assert "reports.lock_report" in assembled[roles.LEADERSHIP]
    assert set(assembled[roles.UNIT_MANAGER]) == {
        "followups.view_followup",
        "followups.manage_own_unit_followups",
    }
    assert not any(
        p.startswith("surveys.") and "followup" in p for r in assembled.values() for p in r
    )


@pytest.mark.django_db
def test_every_declared_permission_exists_and_is_granted():
    for role, dotted in roles.role_permissions().items():
        group = Group.objects.get(name=role)
        granted = {
            f"{a}.{c}"
            for a, c in group.permissions.values_list("content_type__app_label", "codename")
        }
        assert set(dotted) <= granted, role
    # Declared by the app that owns them, not on surveys.Response.
    assert not Permission.objects.filter(
        content_type__app_label="surveys", codename__in=["key_paper_forms", "triage_comments"]
    ).exists()


@pytest.mark.django_db
def test_roles_sync_is_additive_and_idempotent():
    team = Group.objects.get(name=roles.SURVEY_TEAM)
    extra = Permission.objects.get(codename="view_user")
    team.permissions.add(extra)
    before = set(team.permissions.values_list("pk", flat=True))
    roles.roles_sync()
    roles.roles_sync()
    assert set(team.permissions.values_list("pk", flat=True)) == before
