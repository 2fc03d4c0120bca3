"""A real Celery worker on the real Redis and PostgreSQL: the assignment e-mail goes out once per
manager even when its task is delivered twice and runs on two threads at once."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connections
from django.utils import timezone

from conftest import wait_for
from followups import services, tasks
from followups.models import Notification
from surveys.models import StaffProfile
from surveys.tests import factories

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _manager(unit, name):
    # Direct permission, not the role group: a transactional test's flush may have removed it.
    user = factories.make_user(name, email=f"{name}@kbnn.invalid")
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="followups", codename="manage_own_unit_followups"
        )
    )
    StaffProfile.objects.create(user=user, unit=unit)
    return user


def test_real_worker_mails_each_manager_once_when_queued_twice(live_app):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    unit = factories.make_unit("WK", name="Phòng Kiểm soát chi")
    campaign = factories.make_campaign([unit], slug="dot-worker")
    comment = factories.make_response(campaign, unit, comment="Chờ lâu")
    managers = [_manager(unit, "ql.wk1"), _manager(unit, "ql.wk2")]

    def close_connections(**kwargs):
        connections.close_all()  # the worker's threads must not hold the test database open

    task_postrun.connect(close_connections, weak=False)
    mail.outbox.clear()
    try:
        with start_worker(
            live_app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING"
        ):
            followup = services.followup_open(  # queues the e-mail task on commit
                campaign=campaign,
                unit=unit,
                title="Thời gian chờ",
                response_ids=[comment.pk],
                deadline=timezone.localdate(),
                user=None,
            )
            tasks.followup_notify_assigned.delay(followup.pk)  # delivered a second time
            wait_for(
                lambda: Notification.objects.filter(sent_at__isnull=False).count() == 2,
                what="both managers mailed",
            )
            time.sleep(1.5)  # let a late duplicate show up, if there were one
    finally:
        task_postrun.disconnect(close_connections)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in managers)
    assert Notification.objects.count() == 2
