"""Every change made by staff is recorded with its old and new values, and readable per object."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from surveys.models import Unit
from surveys.tests import factories


@pytest.mark.django_db
def test_an_admin_edit_is_recorded_with_old_and_new_values_and_shown(client):
    unit = factories.make_unit("KSC", name="Phòng Kiểm soát chi")
    root = factories.make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    change = reverse("admin:surveys_unit_change", args=[unit.pk])
    form = client.get(change).context["adminform"].form
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if hasattr(value, "strftime"):
            value = value.strftime("%Y-%m-%d")
        data[bound.html_name] = value
    data["name"] = "Phòng Kiểm soát chi NSNN"
    reply = client.post(change, data)
    assert reply.status_code == 302, reply.content.decode()[:2000]
    assert Unit.objects.get(pk=unit.pk).name == "Phòng Kiểm soát chi NSNN"
    entry = LogEntry.objects.get_for_object(unit).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == root
    assert entry.changes_dict["name"] == ["Phòng Kiểm soát chi", "Phòng Kiểm soát chi NSNN"]
    assert entry.remote_addr is None  # staff addresses are not kept

    page = client.get(reverse("object_history", args=["surveys", "unit", unit.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Phòng Kiểm soát chi</td>" in body and "Phòng Kiểm soát chi NSNN</td>" in body


@pytest.mark.django_db
def test_the_history_page_needs_the_view_permission(client):
    unit = factories.make_unit("KSC")
    client.force_login(factories.unit_manager(unit, "quanly"))
    url = reverse("object_history", args=["auth", "user", 1])
    assert client.get(url).status_code == 403
    assert client.get(reverse("object_history", args=["surveys", "answer", 1])).status_code == 404


@pytest.mark.django_db
def test_the_public_survey_writes_no_audit_rows():
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    factories.group()  # the respondent groups exist (their creation is a staff change)
    before = LogEntry.objects.count()
    factories.make_response(campaign, unit, comment="Góp ý")
    assert LogEntry.objects.count() == before
