"""The fixed vocabularies of DESIGN.md: channels, forms, the five-level scale."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Form(models.TextChoices):
    ONLINE = "online", _("Online")
    DIRECT = "direct", _("Direct")


class Channel(models.TextChoices):
    WEB = "web", _("Web link")
    QR = "qr", _("QR code at the counter")
    PORTAL = "portal", _("Online public-service portal")
    EMAIL = "email", _("E-mail invitation")
    PAPER = "paper", _("Paper form")
    KIOSK = "kiosk", _("Tablet at the counter (kiosk)")

    @property
    def form(self) -> Form:
        return channel_form(self.value)


ONLINE_CHANNELS = (Channel.WEB, Channel.QR, Channel.PORTAL, Channel.KIOSK)
DIRECT_CHANNELS = (Channel.EMAIL, Channel.PAPER)


def channel_form(channel: str) -> Form:
    """DESIGN.md: online = web, qr, portal, kiosk; direct = email, paper."""
    return Form.ONLINE if channel in ONLINE_CHANNELS else Form.DIRECT


class Score(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neutral")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


SCORE_MIN, SCORE_MAX = 1, 5
