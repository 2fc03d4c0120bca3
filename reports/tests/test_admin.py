from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportRun, ReportStatus
from surveys.tests import factories


@pytest.mark.django_db
def test_admin_never_deletes_a_locked_run(client):
    admin = User.objects.create_superuser("root", "root@example.invalid", "pw-test-123")
    campaign = factories.make_campaign()
    locked = ReportRun.objects.create(
        campaign=campaign, status=ReportStatus.DONE, locked_at=timezone.now(), locked_by=admin
    )
    loose = ReportRun.objects.create(campaign=campaign, status=ReportStatus.FAILED)
    client.force_login(admin)
    url = reverse("admin:reports_reportrun_delete", args=[locked.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    url = reverse("admin:reports_reportrun_delete", args=[loose.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert list(ReportRun.objects.values_list("pk", flat=True)) == [locked.pk]
    assert client.get(reverse("admin:reports_reportrun_changelist")).status_code == 200
