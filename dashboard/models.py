"""Materialised counts for the dashboard, and the stored stuffing signals.

The counts are kept exact by PostgreSQL statement-level triggers (see `dashboard.triggers`):
every insert, update or delete of a Response or an Answer, whatever code or SQL does it, adjusts
them in the same transaction. They hold only counts, never a response. Each is as coarse as one
kind of page needs, so that a page reads a few thousand rows whatever the number of responses
(bench/years.py): the per-day grain lives only in DayCount, the groups and channels only in
AnswerCount and ResponseCount. On SQLite (the embedded default) there are no triggers and the
dashboard reads the raw answers.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, Question, RespondentGroup, Response, Unit


class AnswerCount(models.Model):
    """reports.selectors.answer_cube() materialised: one row per cube cell."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    respondent_group = models.ForeignKey(
        RespondentGroup, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=8)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    n1 = models.IntegerField(default=0)
    n2 = models.IntegerField(default=0)
    n3 = models.IntegerField(default=0)
    n4 = models.IntegerField(default=0)
    n5 = models.IntegerField(default=0)
    n_null = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("answer count")
        verbose_name_plural = _("answer counts")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "respondent_group", "channel", "question"],
                name="answercount_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}/{self.channel}/{self.question_id}"


class UnitAnswerCount(models.Model):
    """AnswerCount summed over groups and channels: per unit and over whole rounds."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    n1 = models.IntegerField(default=0)
    n2 = models.IntegerField(default=0)
    n3 = models.IntegerField(default=0)
    n4 = models.IntegerField(default=0)
    n5 = models.IntegerField(default=0)
    n_null = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("answer count per unit")
        verbose_name_plural = _("answer counts per unit")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "question"], name="unitanswercount_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}/{self.question_id}"


class ResponseCount(models.Model):
    """Responses per (campaign, unit, group, channel): quota progress and the N of each slice.

    No day here: with one, the table grew with the responses (a cell per slice and day), and
    summing it cost the dashboard 1 s at 1,000,000 responses (bench/years.py)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    respondent_group = models.ForeignKey(
        RespondentGroup, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=8)
    responses = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("response count")
        verbose_name_plural = _("response counts")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "respondent_group", "channel"],
                name="responsecount_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}/{self.channel}"


class DayCount(models.Model):
    """Responses per (campaign, unit, day): responses a day, and the stuffing signals' bases."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    answered_on = models.DateField()
    responses = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("responses a day")
        verbose_name_plural = _("responses a day")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "answered_on"], name="daycount_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}/{self.answered_on}"


class SignalKind(models.TextChoices):
    QR_BURST = "qr_burst", _("Burst of QR responses within minutes")
    SAME_VECTOR = "same_vector", _("Run of identical answer vectors")
    ALL_FIVE = "all_five", _("Share of all-5 forms far above the campaign norm")
    OWN_STAFF = "own_staff", _("Paper forms keyed by staff of the rated unit")
    SPEEDER = "speeder", _("Forms finished far faster than the campaign's median")
    KIOSK_BURST = "kiosk_burst", _("Burst of answers from one counter tablet")


class StuffingSignal(models.Model):
    """A sign that answers of one unit on one day may be stuffed or coached. Responses are never
    dropped because of it: the survey team looks at the responses concerned and decides."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("signal"), max_length=12, choices=SignalKind.choices)
    measure = models.FloatField(_("measure"))
    detail = models.CharField(_("detail"), max_length=300)
    responses = models.ManyToManyField(
        Response, verbose_name=_("responses concerned"), related_name="+"
    )
    response_count = models.PositiveIntegerField(_("responses concerned"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("stuffing signal")
        verbose_name_plural = _("stuffing signals")
        ordering = ["-day", "unit__sort_order", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "day", "kind"], name="stuffingsignal_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day} {self.get_kind_display()}"


class SignalCheck(models.Model):
    """When the signals of a campaign were last computed, and over which responses."""

    campaign = models.OneToOneField(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    responses = models.PositiveIntegerField(_("responses checked"), default=0)
    last_response_id = models.BigIntegerField(_("last response"), null=True, blank=True)

    class Meta:
        verbose_name = _("signal check")
        verbose_name_plural = _("signal checks")

    def __str__(self) -> str:
        return f"{self.campaign_id} @ {self.computed_at:%Y-%m-%d %H:%M}"
