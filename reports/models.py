from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, Unit


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Requested")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("report run status", "Failed")


def report_upload_to(run: ReportRun, filename: str) -> str:
    return f"reports/{run.slug}/{run.pk}-{filename}"


class ReportRun(models.Model):
    """One compiled workbook; a done run can be locked as the version sent to Sở Nội vụ.

    A run reports on one round (`campaign`), or on a year (`year`: every non-draft round of
    that year, of `root` or, without it, of every root)."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="report_runs",
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    root = models.ForeignKey(
        Unit,
        verbose_name=_("root unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
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
            models.CheckConstraint(
                condition=(Q(campaign__isnull=False) & Q(year__isnull=True) & Q(root__isnull=True))
                | (Q(campaign__isnull=True) & Q(year__isnull=False)),
                name="reportrun_round_or_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_name} #{self.pk} ({self.get_status_display()})"

    @property
    def period_name(self) -> str:
        """The round's name, or `Năm 2025` (with the root's name when it has one)."""
        if self.campaign_id is not None:
            return str(self.campaign)
        name = gettext("Year %(year)d") % {"year": self.year}
        return f"{name} – {self.root.name}" if self.root_id else name

    @property
    def slug(self) -> str:
        if self.campaign_id is not None:
            return self.campaign.slug
        return f"nam-{self.year}" + (f"-{self.root.code}" if self.root_id else "")

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
