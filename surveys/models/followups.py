from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .responses import Response
from .units import Unit


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
        permissions = [("manage_own_unit_followups", _("Can act on the follow-ups of own unit"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in OPEN_FOLLOWUP_STATUSES
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )
