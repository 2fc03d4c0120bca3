"""Invitation and reminder e-mails, sent at most once per invitation.

How a double send is avoided: an invitation is claimed with a conditional UPDATE
(not_sent -> sending) before its message is handed to the mail server, and marked sent right
after. Two tasks (or a task redelivered after a worker died) can therefore never both own it.
A row left in `sending` means the process died between the claim and the mark: the message
may or may not have left. Such rows are never sent again automatically: after
SENDING_STALE_AFTER they become `failed` with an explanation, and only a person can queue
them again (invitations_requeue_failed). Temporary SMTP failures, where the server told us
it did not take the message, go back to `not_sent` for the task's next retry.
"""

from __future__ import annotations

import datetime
import smtplib
import socket
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fieldwork.services.retention import opt_out_record
from kbnn_survey.addresses import absolute_url
from surveys.models import Campaign, CampaignStatus, Invitation, InvitationSource, SendStatus

SENDING_STALE_AFTER = datetime.timedelta(minutes=30)
MAX_SEND_ATTEMPTS = 5
EMAIL_LANGUAGE = "vi"


def _is_temporary(exc: BaseException) -> bool:
    """The server did not take the message and says (or the network shows) it may later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(
        exc,
        smtplib.SMTPServerDisconnected
        | smtplib.SMTPConnectError
        | ConnectionError
        | socket.timeout
        | TimeoutError,
    )


def survey_url(invitation: Invitation) -> str:
    """SITE_URL/i/<token>/, the survey behind an invitation (DESIGN.md's public contract)."""
    return absolute_url(reverse("surveys:invitation_survey", args=[invitation.token]))


def opt_out_url(invitation: Invitation) -> str:
    return absolute_url(reverse("fieldwork:opt_out", args=[invitation.token]))


def invitation_message(invitation: Invitation, *, reminder: bool = False) -> EmailMultiAlternatives:
    """The Vietnamese invitation (or reminder), text and HTML, with a working opt-out link."""
    with translation.override(EMAIL_LANGUAGE):
        context = {
            "invitation": invitation,
            "campaign": invitation.campaign,
            "unit": invitation.unit,
            "survey_url": survey_url(invitation),
            "opt_out_url": opt_out_url(invitation),
            "reminder": reminder,
        }
        if reminder:
            subject = _("Reminder: satisfaction survey of the State Treasury – %(campaign)s")
        else:
            subject = _("Invitation: satisfaction survey of the State Treasury – %(campaign)s")
        message = EmailMultiAlternatives(
            subject=subject % {"campaign": invitation.campaign.name},
            body=render_to_string("fieldwork/email/invitation.txt", context),
            to=[invitation.email],
            headers={
                # RFC 8058 one-click opt-out: mail clients POST to this address.
                "List-Unsubscribe": f"<{context['opt_out_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(
            render_to_string("fieldwork/email/invitation.html", context), "text/html"
        )
    return message


def _sendable() -> Q:
    """Conditions on the invitation's own columns only.

    Claims must never filter through a join: Django turns such an UPDATE into
    `WHERE id IN (SELECT ...)`, and PostgreSQL does not re-check that subquery against a row
    another transaction has just changed, so two racing claims could both succeed.
    """
    return Q(
        source=InvitationSource.EMAIL, opted_out_at__isnull=True, answered_on__isnull=True
    ) & ~Q(email="")


def _campaign_open() -> Q:
    return Q(campaign__status=CampaignStatus.OPEN)


@dataclass
class SendOutcome:
    sent: int = 0
    failed: int = 0
    to_retry: int = 0
    skipped: int = 0


def invitation_send(*, invitation_id: int, connection=None, outcome: SendOutcome) -> None:
    """Claim one invitation, send it, record the result (see the module docstring)."""
    now = timezone.now()
    # While `sending`, sent_at holds the moment of the claim (used to find stale claims).
    claimed = Invitation.objects.filter(
        _sendable(), pk=invitation_id, send_status=SendStatus.NOT_SENT
    ).update(send_status=SendStatus.SENDING, send_attempts=F("send_attempts") + 1, sent_at=now)
    if not claimed:
        outcome.skipped += 1
        return
    invitation = Invitation.objects.select_related("campaign", "unit").get(pk=invitation_id)
    mine = Invitation.objects.filter(pk=invitation_id, send_status=SendStatus.SENDING)
    try:
        (connection or get_connection()).send_messages([invitation_message(invitation)])
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if _is_temporary(exc) and invitation.send_attempts < MAX_SEND_ATTEMPTS:
            mine.update(send_status=SendStatus.NOT_SENT, sent_at=None, last_error=error)
            outcome.to_retry += 1
        else:
            mine.update(send_status=SendStatus.FAILED, sent_at=None, last_error=error)
            outcome.failed += 1
        return
    mine.update(send_status=SendStatus.SENT, sent_at=timezone.now(), last_error="")
    outcome.sent += 1


def invitations_reconcile_stuck(*, now: datetime.datetime | None = None) -> int:
    """Claims older than SENDING_STALE_AFTER: the sender died. Mark failed, never resend."""
    now = now or timezone.now()
    with translation.override(EMAIL_LANGUAGE):
        note = _(
            "Sending was interrupted; the e-mail may or may not have been delivered. "
            "It is not sent again automatically."
        )
    return Invitation.objects.filter(
        send_status=SendStatus.SENDING, sent_at__lt=now - SENDING_STALE_AFTER
    ).update(send_status=SendStatus.FAILED, sent_at=None, last_error=note)


def invitations_send_pending(*, campaign_id: int, batch_size: int | None = None) -> SendOutcome:
    """Send every unsent invitation of a campaign, a batch (one SMTP connection) at a time."""
    batch_size = batch_size or settings.INVITATION_EMAIL_BATCH
    invitations_reconcile_stuck()
    outcome = SendOutcome()
    last_pk = 0
    while True:
        ids = list(
            Invitation.objects.filter(
                _sendable(),
                _campaign_open(),
                campaign_id=campaign_id,
                send_status=SendStatus.NOT_SENT,
                pk__gt=last_pk,
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return outcome
        with get_connection() as connection:
            for pk in ids:
                invitation_send(invitation_id=pk, connection=connection, outcome=outcome)
        last_pk = ids[-1]


def invitations_send_start(*, campaign: Campaign) -> None:
    """Queue the sending task once the current transaction (e.g. a list upload) commits."""
    from ..tasks import invitations_send

    transaction.on_commit(lambda: invitations_send.delay(campaign.pk))


def invitations_requeue_failed(*, campaign: Campaign) -> int:
    """A person decided that failed invitations should be tried again."""
    return Invitation.objects.filter(
        campaign=campaign, source=InvitationSource.EMAIL, send_status=SendStatus.FAILED
    ).update(send_status=SendStatus.NOT_SENT, send_attempts=0)


def invitations_remind(
    *, after_days: int = 7, max_reminders: int = 2, now: datetime.datetime | None = None
) -> SendOutcome:
    """Remind those who have not answered `after_days` after the invitation (or last reminder).

    Each reminder is claimed by bumping reminders_sent conditionally on the value read, so a
    reminder run twice at once sends one reminder; a temporary failure gives the claim back.
    """
    now = now or timezone.now()
    due = now - datetime.timedelta(days=after_days)
    outcome = SendOutcome()
    candidates = (
        Invitation.objects.filter(
            _sendable(),
            _campaign_open(),
            send_status=SendStatus.SENT,
            campaign__closes_on__gte=timezone.localdate(now),
            reminders_sent__lt=max_reminders,
        )
        .filter(Q(last_reminded_at__isnull=True, sent_at__lte=due) | Q(last_reminded_at__lte=due))
        .select_related("campaign", "unit")
        .order_by("pk")
    )
    with get_connection() as connection:
        for invitation in candidates.iterator(chunk_size=200):
            claim = Invitation.objects.filter(
                _sendable(),
                pk=invitation.pk,
                reminders_sent=invitation.reminders_sent,
            )
            if not claim.update(reminders_sent=F("reminders_sent") + 1, last_reminded_at=now):
                outcome.skipped += 1
                continue
            try:
                connection.send_messages([invitation_message(invitation, reminder=True)])
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:2000]
                if _is_temporary(exc):
                    Invitation.objects.filter(pk=invitation.pk, last_reminded_at=now).update(
                        reminders_sent=invitation.reminders_sent,
                        last_reminded_at=invitation.last_reminded_at,
                        last_error=error,
                    )
                    outcome.to_retry += 1
                else:
                    Invitation.objects.filter(pk=invitation.pk).update(last_error=error)
                    outcome.failed += 1
                continue
            outcome.sent += 1
    return outcome


def invitation_opt_out(*, token: str) -> Invitation | None:
    """Stop every further e-mail for this invitation (idempotent)."""
    invitation = Invitation.objects.filter(token=token).first()
    if invitation is None:
        return None
    Invitation.objects.filter(pk=invitation.pk, opted_out_at__isnull=True).update(
        opted_out_at=timezone.now()
    )
    invitation.refresh_from_db()
    # Honoured next year too, after this invitation's address is erased.
    opt_out_record(email=invitation.email, day=timezone.localdate(invitation.opted_out_at))
    return invitation
