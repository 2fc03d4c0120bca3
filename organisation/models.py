"""Records of changes to the tree of units: sheets imported and reorganisations applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitImport(models.Model):
    """A unit sheet that changed something (a sheet that changes nothing leaves no record)."""

    filename = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    created = models.JSONField(_("units created"), default=list)
    updated = models.JSONField(_("units updated"), default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("unit sheet imported")
        verbose_name_plural = _("unit sheets imported")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class ReorganisationKind(models.TextChoices):
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Rename")
    MOVE = "move", _("Move under another parent")


class Reorganisation(models.Model):
    """A reorganisation applied: who, when, and what changed (`details`, codes and dates)."""

    kind = models.CharField(_("kind"), max_length=8, choices=ReorganisationKind.choices)
    effective_on = models.DateField(
        _("effective on"), help_text=_("The old units end the day before.")
    )
    summary = models.TextField(_("summary"))
    details = models.JSONField(_("details"), default=dict)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("performed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    performed_at = models.DateTimeField(_("performed at"), default=timezone.now)

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-performed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReorganisationKind.values), name="reorganisation_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on:%d/%m/%Y}"
