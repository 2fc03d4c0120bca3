"""Follow-ups: the problem raised in comments, its evidence files, history and e-mail log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, Response, Unit


class FollowUpStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated to the competent authority")


OPEN_FOLLOWUP_STATUSES = (FollowUpStatus.NEW, FollowUpStatus.ASSIGNED, FollowUpStatus.IN_PROGRESS)


class FollowUpQuerySet(models.QuerySet):
    def overdue(self, day=None):
        day = day or timezone.localdate()
        return self.filter(status__in=OPEN_FOLLOWUP_STATUSES, deadline__lt=day)


class FollowUp(models.Model):
    """A problem raised in one or more comments, owned by a unit until resolved or escalated."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="followups"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("assigned unit"), on_delete=models.PROTECT, related_name="followups"
    )
    title = models.CharField(_("problem"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responses = models.ManyToManyField(
        Response, verbose_name=_("comments"), blank=True, related_name="followups"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.NEW,
        db_index=True,
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    escalation_reason = models.TextField(_("reason for escalation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["deadline", "-created_at"]
        # Created in the surveys app and moved here with its rows (migration 0006).
        db_table = "surveys_followup"
        permissions = [
            ("manage_own_unit_followups", _("Can act on the follow-ups of own unit")),
            ("triage_comments", _("Can triage comments and open follow-ups")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in OPEN_FOLLOWUP_STATUSES
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )


def evidence_upload_to(evidence: EvidenceFile, filename: str) -> str:
    # A random name: the original name is kept in the row, never in the path.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{evidence.followup_id}/{uuid.uuid4().hex}.{ext}"


class EvidenceFile(models.Model):
    """A file a unit attaches to show what it did. Served only by a permission-checked view."""

    followup = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Follow-up assigned")
    DEADLINE = "deadline", _("Deadline approaching")


class Notification(models.Model):
    """One e-mail to one manager about one follow-up. The unique key makes sending idempotent."""

    followup = models.ForeignKey(
        FollowUp,
        verbose_name=_("follow-up"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The deadline the e-mail was about (ISO date, "" if none): a moved deadline earns a new
    # reminder. Text, not a nullable date, so that the unique key holds on every database.
    about_deadline = models.CharField(_("deadline"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["followup", "kind", "recipient", "about_deadline"],
                name="notification_once_per_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened and assigned")
    JOINED = "joined", _("Comments joined")
    ASSIGNED = "assigned", _("Assigned")
    ACTION = "action", _("Action recorded")
    EVIDENCE = "evidence", _("Evidence attached")
    RESOLVED = "resolved", _("Resolved")
    ESCALATION_PROPOSED = "proposed", _("Escalation proposed")
    ESCALATED = "escalated", _("Escalated")


class FollowUpEvent(models.Model):
    """Who did what to a follow-up, when: its history, written by the services."""

    followup = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=10, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("follow-up event")
        verbose_name_plural = _("follow-up events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
