"""Opening a follow-up while the broker is down: the follow-up is stored, the page does not
fail, and the assignment e-mail is sent once by the sweep when the broker is back."""

from __future__ import annotations

from celery import Celery
from django.core import mail
from django.db import transaction

from followups.models import FollowUp
from followups.tasks import followup_notify_pending
from followups.tests.helpers import open_followup
from kbnn_survey.queueing import enqueue_on_commit
from surveys.tests import factories


def test_queueing_on_a_dead_broker_is_logged_not_raised(db, django_capture_on_commit_callbacks):
    # Its own app on a port where nothing listens: the project's app is left alone.
    dead = Celery("dead", broker="redis://127.0.0.1:1/0", set_as_current=False)

    @dead.task(name="dead.ping")
    def ping(value):
        return value

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue_on_commit(ping, 1)
    assert len(callbacks) == 1  # it ran, and raised nothing


def test_a_follow_up_whose_message_never_left_is_mailed_once_by_the_sweep(
    campaign, units, team, comment, in_a_week, django_capture_on_commit_callbacks
):
    manager = factories.unit_manager(units[0], "m1")
    manager.email = "m1@kbnn.invalid"
    manager.save()
    # The commit happens but its queued message is lost (the broker was down).
    with django_capture_on_commit_callbacks(execute=False):
        followup = open_followup(campaign, units[0], team, [comment], in_a_week)
    assert FollowUp.objects.filter(pk=followup.pk).exists()
    assert mail.outbox == []
    # The broker is back: beat's sweep sends what was owed, once.
    assert followup_notify_pending() == 1
    assert followup_notify_pending() == 0
    assert [m.to for m in mail.outbox] == [["m1@kbnn.invalid"]]
