"""Writes on comments and follow-ups. Each service validates first, then writes in one transaction;
a ValidationError means nothing was written."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kbnn_survey.queueing import enqueue_on_commit
from surveys.models import Campaign, CommentTriage, Response, Unit

from .access import can_triage
from .evidence import evidence_check
from .models import (
    OPEN_FOLLOWUP_STATUSES,
    EventKind,
    EvidenceFile,
    FollowUp,
    FollowUpEvent,
    FollowUpStatus,
)

TEXT_MAX = 5000
CLOSING_TRIAGE = (CommentTriage.PRAISE, CommentTriage.NO_ACTION, CommentTriage.NEW)


def _event(followup: FollowUp, kind: str, user, note: str = "") -> None:
    FollowUpEvent.objects.create(
        followup=followup, kind=kind, user=user if user and user.pk else None, note=note[:300]
    )


def _enqueue_assigned(followup: FollowUp) -> None:
    from .tasks import followup_notify_assigned

    # Outbox: the follow-up is its own record of the e-mail owed; if the broker is down the
    # sweep followup_notify_pending sends it later (Notification claims prevent a second one).
    enqueue_on_commit(followup_notify_assigned, followup.pk)


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("At most %(max)d characters, please.") % {"max": TEXT_MAX}})
    return value


def _check_deadline(deadline: datetime.date | None, today: datetime.date) -> None:
    if deadline is None:
        raise ValidationError({"deadline": _("Please set a deadline.")})
    if deadline < today:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})


def _comments_of(campaign: Campaign, response_ids: Iterable[int]) -> list[Response]:
    ids = {int(pk) for pk in response_ids}
    if not ids:
        raise ValidationError({"responses": _("Please choose at least one comment.")})
    comments = list(
        Response.objects.filter(pk__in=ids, campaign=campaign).exclude(comment="").only("pk")
    )
    if len(comments) != len(ids):
        raise ValidationError(
            {"responses": _("Some of the chosen comments do not belong to this campaign.")}
        )
    return comments


def comment_triage_mark(*, response_ids: Iterable[int], triage: str, user) -> int:
    """Mark comments as praise / no action (or back to unread). Comments already joined to a
    follow-up keep their status: they are closed through the follow-up."""
    if triage not in CLOSING_TRIAGE:
        raise ValidationError({"triage": _("Choose praise, no action or not read yet.")})
    ids = {int(pk) for pk in response_ids}
    if not ids:
        raise ValidationError({"responses": _("Please choose at least one comment.")})
    with transaction.atomic():
        in_followup = Response.objects.filter(pk__in=ids, followups__isnull=False).exists()
        if in_followup:
            raise ValidationError(
                {"responses": _("Some of the chosen comments are already in a follow-up.")}
            )
        return Response.objects.filter(pk__in=ids).exclude(comment="").update(comment_triage=triage)


def followup_open(
    *,
    campaign: Campaign,
    unit: Unit,
    title: str,
    response_ids: Iterable[int],
    deadline: datetime.date | None,
    user,
    description: str = "",
    today: datetime.date | None = None,
) -> FollowUp:
    """Open a follow-up on one or more comments and assign it to a unit; its managers are told."""
    today = today or timezone.localdate()
    title = _required_text(title, "title", _("Please describe the problem in a few words."))[:300]
    _check_deadline(deadline, today)
    comments = _comments_of(campaign, response_ids)
    with transaction.atomic():
        followup = FollowUp.objects.create(
            campaign=campaign,
            unit=unit,
            title=title,
            description=(description or "").strip()[:TEXT_MAX],
            deadline=deadline,
            status=FollowUpStatus.ASSIGNED,
            created_by=user,
        )
        followup.responses.add(*comments)
        Response.objects.filter(pk__in=[c.pk for c in comments]).update(
            comment_triage=CommentTriage.FOLLOW_UP
        )
        _event(followup, EventKind.OPENED, user, f"{unit} · {deadline:%d/%m/%Y}")
        _enqueue_assigned(followup)
    return followup


def followup_join_comments(*, followup: FollowUp, response_ids: Iterable[int], user) -> int:
    """Join more comments on the same problem to an existing follow-up."""
    comments = _comments_of(followup.campaign, response_ids)
    with transaction.atomic():
        followup.responses.add(*comments)
        Response.objects.filter(pk__in=[c.pk for c in comments]).update(
            comment_triage=CommentTriage.FOLLOW_UP
        )
        _event(followup, EventKind.JOINED, user, str(len(comments)))
    return len(comments)


def _locked(followup: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().get(pk=followup.pk)


def _require_open(followup: FollowUp) -> None:
    if followup.status not in OPEN_FOLLOWUP_STATUSES:
        raise ValidationError(
            _("This follow-up is closed (%(status)s).") % {"status": followup.get_status_display()}
        )


def followup_assign(
    *, followup: FollowUp, unit: Unit, deadline: datetime.date | None, user, today=None
) -> FollowUp:
    """(Re)assign to a unit with a deadline; also reopens a closed follow-up."""
    _check_deadline(deadline, today or timezone.localdate())
    with transaction.atomic():
        locked = _locked(followup)
        locked.unit = unit
        locked.deadline = deadline
        locked.status = FollowUpStatus.ASSIGNED
        locked.resolved_at = None
        locked.save(update_fields=["unit", "deadline", "status", "resolved_at", "updated_at"])
        _event(locked, EventKind.ASSIGNED, user, f"{unit} · {deadline:%d/%m/%Y}")
        _enqueue_assigned(locked)
    return locked


def _update_open(followup: FollowUp, event: str, user, **changes) -> FollowUp:
    """Apply `changes` to a follow-up that is still open, under a row lock, and log `event`."""
    with transaction.atomic():
        locked = _locked(followup)
        _require_open(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*changes, "updated_at"])
        _event(locked, event, user)
    return locked


def followup_record_action(*, followup: FollowUp, action_taken: str, user) -> FollowUp:
    text = _required_text(action_taken, "action_taken", _("Please describe the action taken."))
    return _update_open(
        followup, EventKind.ACTION, user, action_taken=text, status=FollowUpStatus.IN_PROGRESS
    )


def followup_resolve(*, followup: FollowUp, resolution: str, user, now=None) -> FollowUp:
    """Close as resolved. The resolution text is what the customer reads on the status page."""
    text = _required_text(resolution, "resolution", _("Please write the resolution."))
    return _update_open(
        followup,
        EventKind.RESOLVED,
        user,
        resolution=text,
        status=FollowUpStatus.RESOLVED,
        resolved_at=now or timezone.now(),
    )


def followup_escalate(*, followup: FollowUp, reason: str, user) -> FollowUp:
    """Escalation to the competent authority (kiến nghị cấp có thẩm quyền), with the reason.

    A unit manager only proposes it: the follow-up stays open, with the reason, until the survey
    team (who triage) escalates it, confirming the proposal or on its own initiative.
    """
    text = _required_text(reason, "escalation_reason", _("Please give the reason."))
    if can_triage(user):
        return _update_open(
            followup,
            EventKind.ESCALATED,
            user,
            escalation_reason=text,
            status=FollowUpStatus.ESCALATED,
        )
    return _update_open(followup, EventKind.ESCALATION_PROPOSED, user, escalation_reason=text)


def evidence_attach(*, followup: FollowUp, upload, user) -> EvidenceFile:
    """Store an uploaded evidence file after checking its size, extension and content."""
    content_type = evidence_check(upload)
    with transaction.atomic():
        locked = _locked(followup)
        _require_open(locked)
        evidence = EvidenceFile(
            followup=locked,
            original_name=upload.name[-200:],
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )
        evidence.file.save(upload.name, upload, save=False)
        try:
            evidence.save()
            _event(locked, EventKind.EVIDENCE, user, evidence.original_name)
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence
