from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .choices import Channel
from .units import RespondentGroup, Unit


def new_token() -> str:
    return secrets.token_urlsafe(24)


class InvitationSource(models.TextChoices):
    EMAIL = Channel.EMAIL.value, _("E-mail from the survey team")
    PORTAL = Channel.PORTAL.value, _("Online public-service portal")


class SendStatus(models.TextChoices):
    NOT_SENT = "not_sent", _("Not sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Invitation(models.Model):
    """A single-use, unguessable survey link for one respondent.

    One response at most: response_submit claims the invitation (`answered_on` from null to
    the day) with a conditional UPDATE inside the response's transaction; the response keeps
    no link back to it.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="invitations"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="invitations"
    )
    respondent_group = models.ForeignKey(
        RespondentGroup,
        verbose_name=_("respondent group"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    source = models.CharField(_("source"), max_length=8, choices=InvitationSource.choices)
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    # E-mail invitations: the organisation invited. Portal ones: only a keyed hash of the reference.
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    reference_hash = models.CharField(_("reference (keyed hash)"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    send_status = models.CharField(
        _("sending"), max_length=8, choices=SendStatus.choices, default=SendStatus.NOT_SENT
    )
    send_attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    # The day only, never the time: a time would pick out the response submitted then.
    # Claimed by a conditional UPDATE in the response's transaction (response_submit).
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email"],
                condition=~Q(email=""),
                name="invitation_one_per_email",
            ),
            models.UniqueConstraint(
                fields=["campaign", "reference_hash"],
                condition=~Q(reference_hash=""),
                name="invitation_one_per_reference",
            ),
            models.CheckConstraint(
                condition=Q(source__in=InvitationSource.values), name="invitation_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.organisation or self.email or f"#{self.pk}"

    @property
    def channel(self) -> str:
        return self.source

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at
