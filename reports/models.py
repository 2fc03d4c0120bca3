from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from surveys.models import Campaign


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Requested")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("report run status", "Failed")


def report_upload_to(run: ReportRun, filename: str) -> str:
    return f"reports/{run.campaign.slug}/{run.pk}-{filename}"


class ReportRun(models.Model):
    """One compiled workbook; a done run can be locked as the version sent to Sở Nội vụ."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="report_runs"
    )
    exporter = models.CharField(_("report"), max_length=50, default="satisfaction")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_runs",
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ReportStatus.choices,
        default=ReportStatus.PENDING,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=300)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at"]
        permissions = [
            ("request_report", _("Can request and download reports")),
            ("lock_report", _("Can lock a report as the version sent to the Department")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(locked_at__isnull=True) | Q(status=ReportStatus.DONE),
                name="reportrun_lock_only_done",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportrun_progress_max"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk} ({self.get_status_display()})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
