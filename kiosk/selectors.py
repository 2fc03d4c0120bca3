"""Reads of the kiosk app."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.http import HttpRequest

from surveys.models import Campaign

from .credentials import credential_read
from .models import Kiosk, KioskAnswer


def kiosk_from_request(request: HttpRequest) -> Kiosk | None:
    """The kiosk named by the device's credential (revoked ones included, so the page can say
    so); None without a valid credential or for one retired by a later binding."""
    credential = credential_read(request)
    if credential is None:
        return None
    return kiosk_by_credential(credential)


def kiosk_by_credential(credential: tuple[str, int]) -> Kiosk | None:
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


@dataclass(frozen=True)
class KioskRef:
    """What an answer needs to know of the kiosk that sends it, kept per process for active
    kiosks (read-only by convention, like the campaign snapshots).

    Safe to keep: every column named here is in the WHERE of the answer's own pace update
    (kiosk.services), so once the kiosk is revoked, bound again or changed that update misses,
    and the kiosk is read again before anything is decided. Measured (bench/submit.py --kiosk,
    README): with the lookup, revocation and pace folded into that update, a kiosk answer went
    from 10 queries to 7 and from 0.78 to 0.93 of the web's rate in the same run.
    """

    pk: int
    public_id: str
    version: int
    campaign: Campaign
    campaign_slug: str
    unit_id: int
    unit_code: str
    active: bool


MAX_REFS = 1024
_refs: dict[tuple, KioskRef] = {}


def kiosk_ref(credential: tuple[str, int], *, fresh: bool = False) -> KioskRef | None:
    """The kiosk of a credential: kept from an earlier answer of this process, or read (always
    read when `fresh`); None for a credential no kiosk holds any more."""
    key = (connection.alias, connection.settings_dict["NAME"], *credential)
    if not fresh and (ref := _refs.get(key)) is not None:
        return ref
    kiosk = kiosk_by_credential(credential)
    if kiosk is None:
        _refs.pop(key, None)
        return None
    ref = KioskRef(
        pk=kiosk.pk,
        public_id=kiosk.public_id.hex,
        version=kiosk.credential_version,
        campaign=kiosk.campaign,
        campaign_slug=kiosk.campaign.slug,
        unit_id=kiosk.unit_id,
        unit_code=kiosk.unit.code,
        active=kiosk.is_active,
    )
    if ref.active:
        if len(_refs) >= MAX_REFS:
            _refs.clear()
        _refs[key] = ref
    else:
        _refs.pop(key, None)
    return ref
