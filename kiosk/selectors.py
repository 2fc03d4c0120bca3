"""Reads of the kiosk app."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.http import HttpRequest

from .credentials import credential_read
from .models import Kiosk, KioskAnswer


def kiosk_from_request(request: HttpRequest) -> Kiosk | None:
    """The kiosk named by the device's credential (revoked ones included, so the page can say
    so); None without a valid credential or for one retired by a later binding."""
    credential = credential_read(request)
    if credential is None:
        return None
    public_id, version = credential
    return (
        Kiosk.objects.select_related("campaign", "unit")
        .filter(public_id=public_id, credential_version=version)
        # Not Meta.ordering: ordering by campaign and unit joins their tables and their own
        # orderings (measured: 15 ms of a 47 ms kiosk answer).
        .order_by("pk")
        .first()
    )


def kiosk_answers_per_day(*, kiosk: Kiosk, days: int = 31) -> list[tuple[datetime.date, int]]:
    """(day, answers) for the kiosk's last `days` days with answers, newest first."""
    rows = (
        KioskAnswer.objects.filter(kiosk=kiosk)
        .values_list("response__answered_on")
        .annotate(n=Count("pk"))
        .order_by("-response__answered_on")
    )
    return list(rows[:days])
