"""Opening a follow-up while the broker is down: the follow-up is stored, the page does not
fail, and the assignment e-mail is sent once by the sweep when the broker is back."""

from __future__ import annotations

import pytest
from django.core import mail

from followups.tasks import followup_notify_pending
from followups.tests.helpers import open_followup
from kbnn_survey.celery import app
from surveys.models import FollowUp
from surveys.tests import factories


@pytest.fixture
def broker_down():
    """A broker address where nothing listens, publishing for real (not eagerly)."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    app.pool.force_close_all()
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    app.pool.force_close_all()


def test_a_follow_up_opened_while_the_broker_is_down_is_mailed_once_later(
    campaign, units, team, comment, in_a_week, broker_down, django_capture_on_commit_callbacks
):
    manager = factories.unit_manager(units[0], "m1")
    manager.email = "m1@kbnn.invalid"
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        followup = open_followup(campaign, units[0], team, [comment], in_a_week)
    assert FollowUp.objects.filter(pk=followup.pk).exists()
    assert mail.outbox == []
    # The broker is back: beat's sweep sends what was owed, once.
    assert followup_notify_pending() == 1
    assert followup_notify_pending() == 0
    assert [m.to for m in mail.outbox] == [["m1@kbnn.invalid"]]
