from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .choices import SCORE_MAX, SCORE_MIN, Channel, Score
from .questionnaires import Question
from .units import RespondentGroup, Unit


class CommentTriage(models.TextChoices):
    NEW = "new", _("Not read yet")
    PRAISE = "praise", _("Praise")
    NO_ACTION = "no_action", _("No action needed")
    FOLLOW_UP = "follow_up", _("Followed up")


class Response(models.Model):
    """One filled survey. Anonymous: no name, no IP address, no user agent. Immutable once saved.

    Written only by `surveys.services.response_submit`.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="responses"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="responses"
    )
    respondent_group = models.ForeignKey(
        RespondentGroup,
        verbose_name=_("respondent group"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # The day the survey was answered: the date on a paper form, else the submission day.
    answered_on = models.DateField(_("answered on"))
    comment = models.TextField(_("comment"), blank=True)
    comment_triage = models.CharField(
        _("comment triage"),
        max_length=10,
        choices=CommentTriage.choices,
        blank=True,
        help_text=_("Empty when there is no comment."),
    )
    # Short public code printed on the thank-you page to follow up a comment (/tra-cuu/<code>/).
    tracking_code = models.CharField(
        _("tracking code"), max_length=16, null=True, blank=True, unique=True
    )
    # No link to an invitation, on purpose: an answer behind an invitation is as anonymous as
    # one from the web. The invitation records only the day it was answered (answered_on).
    # Random per rendered form: a double click or a replayed POST hits this unique key.
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True, unique=True)
    # Paper forms: who keyed them and the batch (box) they are filed in.
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("keyed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="keyed_responses",
    )
    batch = models.CharField(_("batch"), max_length=50, blank=True)
    # Seconds from the form's render (time signed into the form by the server) to its storing,
    # rounded; null where the channel does not measure it. Never personal data (issue 16).
    duration_seconds = models.PositiveIntegerField(_("time to complete (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at"]
        permissions = [
            ("view_all_results", _("Can see the results of every unit")),
        ]
        indexes = [
            models.Index(fields=["campaign", "unit", "channel"], name="response_slice_idx"),
            models.Index(fields=["campaign", "answered_on"], name="response_day_idx"),
            models.Index(fields=["campaign", "comment_triage"], name="response_triage_idx"),
            # The admin lists newest first (with the pk as tie-breaker): without these a page
            # of 50 sorts a million rows.
            models.Index(fields=["-submitted_at", "-id"], name="response_newest_idx"),
            models.Index(
                fields=["campaign", "-submitted_at", "-id"], name="response_campaign_newest_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="response_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel=Channel.PAPER) | Q(keyed_by__isnull=True, batch=""),
                name="response_keyed_only_paper",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit} ({self.get_channel_display()})"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    # Null means "no opinion" (không ý kiến): left out of every rate.
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, choices=Score.choices
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="answer_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}={self.score if self.score is not None else '-'}"


class ResponseContact(models.Model):
    """Contact details a respondent chose to leave, with consent (Law on Personal Data
    Protection 91/2025/QH15, Decree 356/2025/NĐ-CP); withdrawn with the tracking code.

    Kept apart from the answers; only the survey team may read them, only for the stated purpose.
    """

    response = models.OneToOneField(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="contact"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    consented_at = models.DateTimeField(_("consented at"), default=timezone.now)

    class Meta:
        verbose_name = _("respondent contact")
        verbose_name_plural = _("respondent contacts")

    def __str__(self) -> str:
        return f"contact #{self.pk}"


class RefusalReason(models.TextChoices):
    RATE_LIMIT = "rate_limit", _("Too many submissions from one address")
    HONEYPOT = "honeypot", _("Hidden field filled (robot)")
    REPLAY = "replay", _("Form submitted twice")
    INVALID = "invalid", _("Invalid answers")
    CLOSED = "closed", _("Campaign not accepting answers")
    INVITATION = "invitation", _("Invitation unknown, expired or used")
    KIOSK_REVOKED = "kiosk_revoke", _("Kiosk revoked or not enrolled")
    KIOSK_CLOSED = "kiosk_closed", _("Kiosk answer kept offline until the round had closed")


class RefusalCount(models.Model):
    """How many submissions were refused, per campaign, day and reason; no one is identified."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="refusals",
    )
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=12, choices=RefusalReason.choices)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("refused submissions")
        verbose_name_plural = _("refused submissions")
        ordering = ["-day", "reason"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "day", "reason"], name="refusal_unique", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason}: {self.count}"
