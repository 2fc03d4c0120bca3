"""Invitation e-mails with tasks run in-process (eager): content, once only, opt-out, reminders."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from fieldwork import tasks
from fieldwork.services import mailing
from surveys.models import Invitation, SendStatus
from surveys.tests import factories


@pytest.fixture
def invitations(campaign):
    unit = campaign.units.get(code="KSC")
    return [factories.make_invitation(campaign, unit) for _ in range(5)]


def recipients() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


@override_settings(SITE_URL="https://khaosat.example.vn")
def test_each_invitation_gets_one_vietnamese_email_with_links(client, campaign, invitations):
    tasks.invitations_send.delay(campaign.pk)
    tasks.invitations_send.delay(campaign.pk)  # the task twice: nothing sent twice
    assert sorted(recipients()) == sorted(i.email for i in invitations)
    message = mail.outbox[0]
    invitation = Invitation.objects.get(email=message.to[0])
    assert "khảo sát sự hài lòng" in message.subject
    assert f"https://khaosat.example.vn/i/{invitation.token}/" in message.body
    opt_out = "https://khaosat.example.vn" + reverse("fieldwork:opt_out", args=[invitation.token])
    assert opt_out in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and opt_out in html and "Trả lời khảo sát" in html
    assert message.extra_headers["List-Unsubscribe"] == f"<{opt_out}>"
    assert invitation.send_status == SendStatus.SENT and invitation.sent_at is not None
    assert invitation.send_attempts == 1
    assert client.get(f"/i/{invitation.token}/").status_code == 200  # the link opens the survey
    assert client.get(opt_out.removeprefix("https://khaosat.example.vn")).status_code == 200


class WorkerDied(BaseException):
    """Stands for the process being killed: not an Exception, so nothing catches it."""


class DyingBackend(EmailBackend):
    """Delivers `deliver` messages, then dies, either before or after handing over the next."""

    deliver = 2
    die_after_handing_over = True

    def send_messages(self, messages):
        if len(mail.outbox) >= self.deliver:
            if self.die_after_handing_over:
                super().send_messages(messages)
            raise WorkerDied
        return super().send_messages(messages)


@pytest.mark.parametrize("after_handing_over", [True, False])
def test_interrupted_send_run_again_sends_no_invitation_twice(
    campaign, invitations, after_handing_over
):
    DyingBackend.die_after_handing_over = after_handing_over
    with (
        override_settings(EMAIL_BACKEND="fieldwork.tests.test_mailing.DyingBackend"),
        pytest.raises(WorkerDied),
    ):
        tasks.invitations_send.delay(campaign.pk)
    assert len(mail.outbox) == (3 if after_handing_over else 2)
    stuck = Invitation.objects.get(send_status=SendStatus.SENDING)

    # The task runs again (redelivered, or started again by hand), twice for good measure.
    tasks.invitations_send.delay(campaign.pk)
    tasks.invitations_send.delay(campaign.pk)
    sent = recipients()
    assert len(sent) == len(set(sent)), "an invitation was e-mailed twice"
    others = {i.email for i in invitations} - {stuck.email}
    assert others <= set(sent)
    # Whether the interrupted one left is unknown: it stays claimed, then becomes failed; never
    # resent automatically.
    stuck.refresh_from_db()
    assert stuck.send_status == SendStatus.SENDING
    later = timezone.now() + mailing.SENDING_STALE_AFTER + datetime.timedelta(minutes=1)
    assert mailing.invitations_reconcile_stuck(now=later) == 1
    stuck.refresh_from_db()
    assert stuck.send_status == SendStatus.FAILED and "gián đoạn" in stuck.last_error
    tasks.invitations_send.delay(campaign.pk)
    assert len(recipients()) == len(sent)


class FlakyBackend(EmailBackend):
    failures = 1

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPResponseException(451, b"try again later")
        return super().send_messages(messages)


class RejectingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"no such user")})


def test_temporary_failure_is_retried_permanent_failure_recorded(campaign, invitations):
    FlakyBackend.failures = 1
    with override_settings(EMAIL_BACKEND="fieldwork.tests.test_mailing.FlakyBackend"):
        result = tasks.invitations_send.delay(campaign.pk)
    assert result.get()["to_retry"] == 1  # a worker retries later; in-process, the next run
    flaky = Invitation.objects.get(send_status=SendStatus.NOT_SENT)
    assert "451" in flaky.last_error and flaky.send_attempts == 1
    tasks.invitations_send.delay(campaign.pk)
    assert sorted(recipients()) == sorted(i.email for i in invitations)
    flaky.refresh_from_db()
    assert flaky.send_status == SendStatus.SENT and flaky.send_attempts == 2

    other = factories.make_invitation(campaign, campaign.units.first())
    with override_settings(EMAIL_BACKEND="fieldwork.tests.test_mailing.RejectingBackend"):
        tasks.invitations_send.delay(campaign.pk)
    other.refresh_from_db()
    assert other.send_status == SendStatus.FAILED and "550" in other.last_error


def test_opt_out_link_stops_every_email(client, campaign, invitations):
    target = invitations[0]
    url = reverse("fieldwork:opt_out", args=[target.token])
    page = client.get(url)
    assert page.status_code == 200
    target.refresh_from_db()
    assert target.opted_out_at is None  # a GET (link scanner) changes nothing
    assert client.post(url).status_code == 200  # one-click POST, no CSRF token
    target.refresh_from_db()
    assert target.opted_out_at is not None
    assert client.get(reverse("fieldwork:opt_out", args=["unknown"])).status_code == 404

    tasks.invitations_send.delay(campaign.pk)
    assert target.email not in recipients() and len(recipients()) == 4
    mail.outbox.clear()
    later = timezone.now() + datetime.timedelta(days=8)
    assert mailing.invitations_remind(after_days=7, now=later).sent == 4
    assert target.email not in recipients()


def test_reminders_go_to_those_who_have_not_answered_once_per_period(campaign, invitations):
    tasks.invitations_send.delay(campaign.pk)
    answered = invitations[1]
    factories.make_response(campaign, answered.unit, invitation=answered, channel="email")
    mail.outbox.clear()
    now = timezone.now()
    assert mailing.invitations_remind(after_days=7, now=now).sent == 0  # too early
    day3 = now + datetime.timedelta(days=3)
    first = mailing.invitations_remind(after_days=2, max_reminders=2, now=day3)
    assert first.sent == 4 and answered.email not in recipients()
    assert "Nhắc lại" in mail.outbox[0].subject
    assert mailing.invitations_remind(after_days=2, now=day3).sent == 0  # same day: none
    day6 = now + datetime.timedelta(days=6)
    assert mailing.invitations_remind(after_days=2, max_reminders=2, now=day6).sent == 4
    day9 = now + datetime.timedelta(days=9)
    assert mailing.invitations_remind(after_days=2, max_reminders=2, now=day9).sent == 0
    reminded = Invitation.objects.exclude(pk=answered.pk).values_list("reminders_sent", flat=True)
    assert set(reminded) == {2}
    assert len(mail.outbox) == 8


def test_reminder_schedule_is_a_periodic_task_editable_in_the_admin(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="fieldwork.tasks.invitations_remind")
    assert task.enabled and task.crontab is not None
    assert task.kwargs and "after_days" in task.kwargs


def test_send_button_queues_after_commit(
    team_client, campaign, invitations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = team_client.post(reverse("fieldwork:invitations_send", args=[campaign.slug]))
    assert response.status_code == 302
    assert len(mail.outbox) == 5
