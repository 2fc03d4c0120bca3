"""Records of changes to the tree of units: sheets imported and reorganisations applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import Form, Unit


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
    # Who sees the record (surveys.scope): the users whose subtree holds one of these units.
    units = models.ManyToManyField(
        Unit, verbose_name=_("units created or updated"), blank=True, related_name="+"
    )

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
    # Who sees the record (surveys.scope): the users whose subtree holds one of these units.
    units = models.ManyToManyField(
        Unit, verbose_name=_("units ended or created"), blank=True, related_name="+"
    )

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


class YearlyPlan(models.Model):
    """The participation number Sở Nội vụ sets for a root, for one year and form.

    The rounds of the year count toward it; the branch assigns it in writing to its units
    (`YearlyPlanUnit`)."""

    root = models.ForeignKey(
        Unit, verbose_name=_("root unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    form = models.CharField(_("form"), max_length=8, choices=Form.choices)
    participation = models.PositiveIntegerField(_("participation number"))
    reference = models.CharField(
        _("document"),
        max_length=200,
        blank=True,
        help_text=_("The letter of Sở Nội vụ that sets the number (number and date)."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("yearly plan")
        verbose_name_plural = _("yearly plans")
        ordering = ["-year", "root__code", "form"]
        constraints = [
            models.UniqueConstraint(fields=["root", "year", "form"], name="yearly_plan_unique"),
            models.CheckConstraint(condition=Q(year__gte=2000), name="yearly_plan_year"),
            models.CheckConstraint(condition=Q(form__in=Form.values), name="yearly_plan_form"),
        ]

    def __str__(self) -> str:
        return f"{self.root.code} {self.year} / {self.get_form_display()}: {self.participation}"


class YearlyPlanUnit(models.Model):
    """The part of a yearly plan assigned in writing to one unit of the root's tree."""

    plan = models.ForeignKey(
        YearlyPlan, verbose_name=_("yearly plan"), on_delete=models.CASCADE, related_name="units"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    transaction_volume = models.PositiveIntegerField(
        _("transaction volume (N)"),
        null=True,
        blank=True,
        help_text=_("Used to propose the minimum: n = N / (1 + N·e²), e = 0.05."),
    )
    minimum = models.PositiveIntegerField(_("minimum respondents"))

    class Meta:
        verbose_name = _("unit's part of the yearly plan")
        verbose_name_plural = _("units' parts of the yearly plan")
        ordering = ["plan", "unit__sort_order", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="yearly_plan_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.minimum}"
