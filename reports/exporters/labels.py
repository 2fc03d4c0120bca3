"""Vietnamese labels of the codes the data holds (channels, forms): one place for every sheet
and the written report, so `web`, `online`… never reach a reader."""

from __future__ import annotations

from surveys.models import Channel, Form


def channel_label(channel: str) -> str:
    return str(Channel(channel).label)


def form_label(form: str) -> str:
    return str(Form(form).label)
