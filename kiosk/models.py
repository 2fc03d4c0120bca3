"""A counter tablet enrolled for one unit and one round (issue 16).

The device holds a signed credential in a cookie naming the kiosk and its `credential_version`;
the row says whether it still counts (not revoked, same version). Nothing here names a
customer: a kiosk answer is linked to its device only, as a paper form is to its batch.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from surveys.models import Campaign, Response, Unit


class Kiosk(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("Where it stands, e.g. “Quầy 3”.")
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="kiosks"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="kiosks"
    )
    # SHA-256 of the one-time enrolment token (the token itself is shown once, never stored).
    enrol_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    enrol_expires_at = models.DateTimeField(_("enrolment address valid until"), null=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    # Raised at each binding: a credential of an earlier binding no longer counts.
    credential_version = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    # The per-device pace (generic cell rate algorithm): the theoretical time of the next
    # answer; an answer is taken while it is at most KIOSK_ANSWER_BURST intervals ahead of now.
    pace_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")
        ordering = ["campaign", "unit", "label", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrol_token_hash__isnull=True) | Q(enrol_expires_at__isnull=False),
                name="kiosk_enrol_token_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.label or self.public_id.hex[:8]}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.enrolled_at is not None


class KioskAnswer(models.Model):
    """Which kiosk a response came from: answers per day, bursts (one row per kiosk response)."""

    kiosk = models.ForeignKey(
        Kiosk, verbose_name=_("kiosk"), on_delete=models.PROTECT, related_name="answers"
    )
    response = models.OneToOneField(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="kiosk_link"
    )

    class Meta:
        verbose_name = _("kiosk answer")
        verbose_name_plural = _("kiosk answers")

    def __str__(self) -> str:
        return f"{self.kiosk_id} → {self.response_id}"
