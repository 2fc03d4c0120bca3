from __future__ import annotations

import datetime

from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from followups.models import Notification
from followups.notifications import followup_notify
from followups.tasks import followup_deadline_reminders
from followups.tests.helpers import open_followup
from surveys.tests import factories


def test_assignment_mails_the_unit_managers_once(
    campaign, units, team, comment, in_a_week, django_capture_on_commit_callbacks
):
    for unit, name in ((units[0], "m1"), (units[1], "m2")):
        user = factories.unit_manager(unit, name)
        user.email = f"{name}@kbnn.invalid"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        followup = open_followup(campaign, units[0], team, [comment], in_a_week, title="Chờ lâu")
    assert [m.to for m in mail.outbox] == [["m1@kbnn.invalid"]]
    assert "Chờ lâu" in mail.outbox[0].subject
    assert f"/followups/{followup.pk}/" in mail.outbox[0].body
    # The task running again (retry) sends nothing more.
    from followups.tasks import followup_notify_assigned

    assert followup_notify_assigned(followup.pk) == 0
    assert len(mail.outbox) == 1


def test_deadline_reminders_are_sent_once_per_deadline(campaign, units, team, comment):
    user = factories.unit_manager(units[0], "m1")
    user.email = "m1@kbnn.invalid"
    user.save()
    soon = timezone.localdate() + datetime.timedelta(days=2)
    far = factories.make_response(campaign, units[0], comment="khác")
    open_followup(campaign, units[0], team, [comment], soon, title="Sắp hạn")
    open_followup(
        campaign, units[0], team, [far], soon + datetime.timedelta(days=20), title="Còn xa"
    )
    mail.outbox.clear()
    assert followup_deadline_reminders() == 1
    assert followup_deadline_reminders() == 0
    assert len(mail.outbox) == 1 and "Sắp hạn" in mail.outbox[0].subject
    assert Notification.objects.filter(kind="deadline").count() == 1


def test_beat_schedule_exists(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="followups.tasks.followup_deadline_reminders")
    assert task.enabled and task.crontab is not None


class BrokenSMTP(locmem.EmailBackend):
    def send_messages(self, messages):
        raise OSError("SMTP server unreachable")


def test_a_failed_mail_is_recorded_and_sent_again_once(campaign, units, team, comment, settings):
    user = factories.unit_manager(units[0], "m1")
    user.email = "m1@kbnn.invalid"
    user.save()
    followup = open_followup(campaign, units[0], team, [comment], timezone.localdate())
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSMTP"
    assert followup_notify(followup=followup, kind="assigned") == (0, 1)
    note = Notification.objects.get()
    assert note.sent_at is None and "unreachable" in note.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert followup_notify(followup=followup, kind="assigned") == (1, 0)
    assert followup_notify(followup=followup, kind="assigned") == (0, 0)
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.sent_at is not None and note.error == ""
