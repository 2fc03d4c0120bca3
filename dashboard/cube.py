"""The report's cube, read from the materialised counts when they exist.

Same rows as reports.selectors.answer_cube() / response_counts() (CubeRow, ResponseCountRow), so
every rate on the dashboard comes out of the report's own roll-up functions. On PostgreSQL the
counts are kept by triggers (dashboard.triggers) and reading them costs a few thousand rows
whatever the number of responses; elsewhere (SQLite, the embedded default) the raw answers are
grouped by the report's selectors themselves.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q, Sum

from reports.selectors import CubeRow, ResponseCountRow, answer_cube, response_counts
from surveys.models import Campaign, Response

from .models import AnswerCount, ResponseCount

_CELL = ("campaign_id", "unit_id", "respondent_group_id", "channel", "question_id")
_LEVELS = ("n1", "n2", "n3", "n4", "n5", "n_null")


def counts_materialised() -> bool:
    return connection.vendor == "postgresql"


def _unit_q(unit_ids: Iterable[int] | None) -> Q:
    return Q(unit_id__in=list(unit_ids)) if unit_ids is not None else Q()


def cubes(
    *, campaigns: Iterable[Campaign], unit_ids: Iterable[int] | None = None
) -> dict[int, list[CubeRow]]:
    """Cube rows per campaign id, in one query on the counts."""
    campaigns = list(campaigns)
    if not counts_materialised():
        # Raw answers: one GROUP BY per campaign (a handful; small databases only).
        return {c.pk: answer_cube(campaign=c, unit_ids=unit_ids) for c in campaigns}
    out: dict[int, list[CubeRow]] = {c.pk: [] for c in campaigns}
    rows = (
        AnswerCount.objects.filter(_unit_q(unit_ids), campaign__in=campaigns)
        .exclude(n1=0, n2=0, n3=0, n4=0, n5=0, n_null=0)
        .values_list(*_CELL, *_LEVELS)
    )
    for campaign_id, unit_id, group_id, channel, question_id, *levels in rows:
        out[campaign_id].append(CubeRow(unit_id, group_id, channel, question_id, *levels))
    return out


def cube(*, campaign: Campaign, unit_ids: Iterable[int] | None = None) -> list[CubeRow]:
    return cubes(campaigns=[campaign], unit_ids=unit_ids)[campaign.pk]


def response_rows(
    *, campaign: Campaign, unit_ids: Iterable[int] | None = None
) -> list[ResponseCountRow]:
    if not counts_materialised():
        return response_counts(campaign=campaign, unit_ids=unit_ids)
    rows = (
        ResponseCount.objects.filter(_unit_q(unit_ids), campaign=campaign)
        .values("unit_id", "respondent_group_id", "channel")
        .annotate(n=Sum("responses"))
        .filter(n__gt=0)
        .order_by()
    )
    return [
        ResponseCountRow(r["unit_id"], r["respondent_group_id"], r["channel"], r["n"]) for r in rows
    ]


def responses_per_day(
    *, campaign: Campaign, unit_ids: Iterable[int] | None = None
) -> list[tuple[datetime.date, int]]:
    if counts_materialised():
        qs = ResponseCount.objects.values("answered_on").annotate(n=Sum("responses"))
    else:
        qs = Response.objects.values("answered_on").annotate(n=Count("id"))
    qs = qs.filter(_unit_q(unit_ids), campaign=campaign, n__gt=0).order_by("answered_on")
    return [(r["answered_on"], r["n"]) for r in qs]


def responses_per_unit_day(*, campaign: Campaign) -> dict[tuple[int, datetime.date], int]:
    """Responses per (unit, day): the denominators of the stuffing signals."""
    if counts_materialised():
        qs = ResponseCount.objects.values("unit_id", "answered_on").annotate(n=Sum("responses"))
    else:
        qs = Response.objects.values("unit_id", "answered_on").annotate(n=Count("id"))
    out: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for r in qs.filter(campaign=campaign).order_by():
        out[(r["unit_id"], r["answered_on"])] += r["n"]
    return dict(out)


def responses_per_campaign(
    *, campaigns: Iterable[Campaign], unit_ids: Iterable[int] | None = None
) -> dict[int, int]:
    if counts_materialised():
        qs = ResponseCount.objects.values("campaign_id").annotate(n=Sum("responses"))
    else:
        qs = Response.objects.values("campaign_id").annotate(n=Count("id"))
    qs = qs.filter(_unit_q(unit_ids), campaign__in=list(campaigns)).order_by()
    return {r["campaign_id"]: r["n"] for r in qs}
