"""E-mails to a unit's managers. A Notification row is claimed before sending, so a task that runs
twice (retry, two beat ticks) never sends the same e-mail twice."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kbnn_survey.addresses import absolute_url

from .models import OPEN_FOLLOWUP_STATUSES, FollowUp, Notification, NotificationKind

log = logging.getLogger(__name__)
REMINDER_DAYS_BEFORE = 3
PERM = ("followups", "manage_own_unit_followups")


def unit_managers(unit_id: int):
    app_label, codename = PERM
    perm = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    return (
        get_user_model()
        .objects.filter(perm, staff_profile__unit_id=unit_id, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _claim(followup: FollowUp, kind: str, user) -> Notification | None:
    key = {
        "followup": followup,
        "kind": kind,
        "recipient": user,
        "about_deadline": followup.deadline.isoformat() if followup.deadline else "",
    }
    try:
        with transaction.atomic():
            return Notification.objects.create(**key)
    except IntegrityError:
        pass
    # Already claimed. Send again only after a failure (an error recorded), and only if this
    # run wins the conditional update that clears it: a row being sent has no error yet.
    failed = Notification.objects.filter(**key, sent_at__isnull=True).exclude(error="").first()
    if failed is None:
        return None
    won = Notification.objects.filter(pk=failed.pk, sent_at__isnull=True, error=failed.error)
    return failed if won.update(error="") == 1 else None


class NotificationFailed(Exception):
    """Some e-mails could not be sent; their rows carry the error and a retry resends them."""


def followup_notify(*, followup: FollowUp, kind: str) -> tuple[int, int]:
    """Send `kind` about `followup` to each manager of its unit: (sent, failed)."""
    sent = failed = 0
    link = absolute_url(reverse("followups:detail", args=[followup.pk]))
    for user in unit_managers(followup.unit_id):
        note = _claim(followup, kind, user)
        if note is None:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            context = {"followup": followup, "link": link, "kind": kind, "user": user}
            # Plain text, on one line: the templates do not HTML-escape (a title "<b>" stays
            # "<b>", never "&lt;b&gt;"), and a header cannot hold a line break.
            subject = " ".join(render_to_string("followups/email_subject.txt", context).split())
            body = render_to_string("followups/email_body.txt", context)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception as exc:
            log.warning("follow-up mail to %s failed: %s", user.pk, exc)
            Notification.objects.filter(pk=note.pk).update(error=str(exc)[:1000] or "error")
            failed += 1
            continue
        Notification.objects.filter(pk=note.pk).update(sent_at=timezone.now(), error="")
        sent += 1
    return sent, failed


def followups_due_soon(today: datetime.date | None = None):
    today = today or timezone.localdate()
    return FollowUp.objects.filter(
        status__in=OPEN_FOLLOWUP_STATUSES,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE),
    ).select_related("unit", "campaign")


def followup_remind_deadlines(*, today: datetime.date | None = None) -> int:
    """Remind every follow-up due soon; failed e-mails are sent again on the next day's run."""
    return sum(
        followup_notify(followup=f, kind=NotificationKind.DEADLINE)[0]
        for f in followups_due_soon(today)
    )
