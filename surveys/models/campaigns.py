from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Channel, Form
from .questionnaires import Questionnaire
from .units import Unit


def all_channels() -> list[str]:
    return list(Channel.values)


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CampaignQuerySet(models.QuerySet):
    def accepting(self, day: datetime.date | None = None) -> CampaignQuerySet:
        """The SQL form of surveys.rules.campaign_open_for (without the channel)."""
        day = day or timezone.localdate()
        return self.filter(status=CampaignStatus.OPEN, opens_on__lte=day, closes_on__gte=day)


class Campaign(models.Model):
    """A survey round ("Đợt I năm 2026")."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
        db_index=True,
    )
    root = models.ForeignKey(
        Unit,
        verbose_name=_("root unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="root_campaigns",
        help_text=_(
            "The branch or regional treasury that owns the round (DESIGN: roots); its survey "
            "team, leadership and managers see it. Empty only in a one-root installation."
        ),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    channels = models.JSONField(_("accepted channels"), default=all_channels)
    units = models.ManyToManyField(Unit, verbose_name=_("units surveyed"), related_name="campaigns")
    double_entry = models.BooleanField(
        _("double entry of paper forms"),
        default=False,
        help_text=_("Each paper batch is keyed by two operators and the differences settled."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "-round"]
        constraints = [
            # Each root numbers its own rounds; a campaign without a root (a one-root
            # installation) shares the numbering of the others without one.
            models.UniqueConstraint(
                fields=["root", "year", "round"],
                condition=Q(root__isnull=False),
                name="campaign_root_year_round",
            ),
            models.UniqueConstraint(
                fields=["year", "round"],
                condition=Q(root__isnull=True),
                name="campaign_year_round",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="campaign_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def accepts_channel(self, channel: str) -> bool:
        return channel in (self.channels or [])


class Quota(models.Model):
    """The minimum number of respondents a unit must reach in a campaign, per form. A floor."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="quotas"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="quotas"
    )
    form = models.CharField(_("form"), max_length=8, choices=Form.choices)
    minimum = models.PositiveIntegerField(_("minimum respondents"))
    transaction_volume = models.PositiveIntegerField(
        _("transaction volume (N)"),
        null=True,
        blank=True,
        help_text=_("Used to propose the minimum: n = N / (1 + N·e²), e = 0.05."),
    )

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["campaign", "unit__sort_order", "unit__code", "form"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "form"], name="quota_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} / {self.get_form_display()}: {self.minimum}"
