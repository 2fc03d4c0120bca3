from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .responses import Response


class ResponseCorrection(models.Model):
    """One audited correction of a response (a paper form keyed wrong, a unit chosen wrongly):
    the values before and after, who, when and why. Written only by `response_correct`."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="corrections"
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    reason = models.TextField(_("reason"))
    # {"unit": code, "respondent_group": code, "answered_on": date, "answers": {code: score}}
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))

    class Meta:
        verbose_name = _("response correction")
        verbose_name_plural = _("response corrections")
        ordering = ["-corrected_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="correction_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"#{self.response_id} {self.corrected_at:%d/%m/%Y}"
