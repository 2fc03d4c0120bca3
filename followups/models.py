"""Evidence files and the notification log of follow-ups (FollowUp itself lives in surveys)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import FollowUp


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
