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

from .models import AnswerCount, DayCount, ResponseCount, UnitAnswerCount

_LEVELS = ("n1", "n2", "n3", "n4", "n5", "n_null")


def counts_materialised() -> bool:
    return connection.vendor == "postgresql"


def _unit_q(unit_ids: Iterable[int] | None) -> Q:
    return Q(unit_id__in=list(unit_ids)) if unit_ids is not None else Q()


ALL_DIMENSIONS = ("unit", "group", "channel")
_SUMS = ", ".join(f"sum({level})" for level in _LEVELS)


def _rounds(campaign) -> list[Campaign]:
    """One round, or several (a year's rounds), as a list."""
    return [campaign] if isinstance(campaign, Campaign) else list(campaign)


def _where(campaigns: list[Campaign], unit_ids) -> tuple[str, list]:
    where, params = "campaign_id = ANY(%s::bigint[])", [[c.pk for c in campaigns]]
    if unit_ids is not None:
        where, params = f"{where} AND unit_id = ANY(%s::bigint[])", [*params, list(unit_ids)]
    return where, params


def _fetch(sql: str, params: list) -> list[tuple]:
    """Plain tuples from a bare cursor. Through the ORM's rows (and its preparation of 300 unit
    ids per filter), converting every value, a region's year (10,000 rows) took 60 ms more than
    the queries themselves (cProfile, bench/years.py data)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _summed(
    campaigns: list[Campaign], unit_ids, keep: tuple[str, ...], *, per_campaign: bool
) -> list[tuple]:
    """(campaign id or None, unit, group, channel, question, n1…n_null) tuples summed in SQL,
    a dimension not kept coming back as 0 / "" (and the campaign as NULL, not per_campaign)."""
    # Without groups or channels, the per-unit counts: a twelfth of the rows with 2 groups and
    # 6 channels (3,300 instead of 39,600 a round of 300 units and 11 questions).
    table = AnswerCount if {"group", "channel"} & set(keep) else UnitAnswerCount
    columns = {
        "campaign_id": "campaign_id" if per_campaign else "NULL",
        "unit_id": "unit_id" if "unit" in keep else "0",
        "respondent_group_id": "respondent_group_id" if "group" in keep else "0",
        "channel": "channel" if "channel" in keep else "''",
    }
    grouped = [c for c, expr in columns.items() if expr == c] + ["question_id"]
    where, params = _where(campaigns, unit_ids)
    records = _fetch(
        f"SELECT {', '.join(columns.values())}, question_id, {_SUMS} "
        f"FROM {table._meta.db_table} WHERE {where} GROUP BY {', '.join(grouped)}",
        params,
    )
    return [r for r in records if any(r[5:])]


def cubes(
    *,
    campaigns: Iterable[Campaign],
    unit_ids: Iterable[int] | None = None,
    keep: tuple[str, ...] = ALL_DIMENSIONS,
) -> dict[int, list[CubeRow]]:
    """Cube rows per campaign id, in one query on the counts.

    `keep` names the dimensions a caller will roll up by ("unit", "group", "channel"); the
    others are summed away in SQL and left as 0 / "" in the rows. Rolling up by a kept
    dimension (or to the total) gives exactly what the full cube gives, over far fewer rows.
    """
    campaigns = list(campaigns)
    if not counts_materialised():
        # Raw answers: one GROUP BY per campaign (a handful; small databases only).
        return {c.pk: answer_cube(campaign=c, unit_ids=unit_ids) for c in campaigns}
    out: dict[int, list[CubeRow]] = {c.pk: [] for c in campaigns}
    for r in _summed(campaigns, unit_ids, keep, per_campaign=True):
        out[r[0]].append(CubeRow(*r[1:]))
    return out


def cube(
    *,
    campaign,
    unit_ids: Iterable[int] | None = None,
    keep: tuple[str, ...] = ALL_DIMENSIONS,
) -> list[CubeRow]:
    """The cube of one round, or of a list of rounds (a year), its cells summed over the
    rounds (no row says its round; a roll-up adds them the same either way)."""
    campaigns = _rounds(campaign)
    if not counts_materialised():
        return [row for c in campaigns for row in answer_cube(campaign=c, unit_ids=unit_ids)]
    return [CubeRow(*r[1:]) for r in _summed(campaigns, unit_ids, keep, per_campaign=False)]


def channel_and_group_cubes(
    *, campaign, unit_ids: Iterable[int] | None = None
) -> tuple[list[CubeRow], list[CubeRow]]:
    """cube(keep=("channel",)) and cube(keep=("group",)) from one scan of the counts
    (GROUPING SETS): a region's year in 35 ms instead of 55 ms for the two (bench/years.py)."""
    campaigns = _rounds(campaign)
    if not counts_materialised():
        rows = cube(campaign=campaigns, unit_ids=unit_ids)
        return rows, rows  # rolling up the whole cube by either dimension gives the same
    where, params = _where(campaigns, unit_ids)
    records = _fetch(
        f"SELECT GROUPING(channel), channel, respondent_group_id, question_id, {_SUMS} "
        f"FROM {AnswerCount._meta.db_table} WHERE {where} "
        "GROUP BY GROUPING SETS ((channel, question_id), (respondent_group_id, question_id))",
        params,
    )
    channels, groups = [], []
    for by_group, channel, group_id, question_id, *levels in records:
        if not any(levels):
            continue
        if by_group:  # channel summed away: a row of the group set
            groups.append(CubeRow(0, group_id, "", question_id, *levels))
        else:
            channels.append(CubeRow(0, 0, channel, question_id, *levels))
    return channels, groups


def _campaign_q(campaign) -> Q:
    """One round, or several (a year's rounds)."""
    if isinstance(campaign, Campaign):
        return Q(campaign=campaign)
    return Q(campaign__in=[c.pk for c in campaign])


def response_rows(*, campaign, unit_ids: Iterable[int] | None = None) -> list[ResponseCountRow]:
    """`campaign`: one round, or a list of rounds (a year)."""
    if not counts_materialised():
        return response_counts(campaign=campaign, unit_ids=unit_ids)
    where, params = _where(_rounds(campaign), unit_ids)
    rows = _fetch(
        "SELECT unit_id, respondent_group_id, channel, sum(responses) "
        f"FROM {ResponseCount._meta.db_table} WHERE {where} "
        "GROUP BY unit_id, respondent_group_id, channel HAVING sum(responses) > 0",
        params,
    )
    return [ResponseCountRow(*row) for row in rows]


def responses_per_day(
    *, campaign, unit_ids: Iterable[int] | None = None
) -> list[tuple[datetime.date, int]]:
    if counts_materialised():
        where, params = _where(_rounds(campaign), unit_ids)
        return _fetch(
            f"SELECT answered_on, sum(responses) FROM {DayCount._meta.db_table} WHERE {where} "
            "GROUP BY answered_on HAVING sum(responses) > 0 ORDER BY answered_on",
            params,
        )
    qs = Response.objects.values("answered_on").annotate(n=Count("id"))
    qs = qs.filter(_unit_q(unit_ids), _campaign_q(campaign), n__gt=0).order_by("answered_on")
    return [(r["answered_on"], r["n"]) for r in qs]


def responses_per_unit_day(*, campaign: Campaign) -> dict[tuple[int, datetime.date], int]:
    """Responses per (unit, day): the denominators of the stuffing signals."""
    if counts_materialised():
        qs = DayCount.objects.values("unit_id", "answered_on").annotate(n=Sum("responses"))
    else:
        qs = Response.objects.values("unit_id", "answered_on").annotate(n=Count("id"))
    out: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for r in qs.filter(campaign=campaign).order_by():
        out[(r["unit_id"], r["answered_on"])] += r["n"]
    return dict(out)


def responses_per_campaign(
    *, campaigns: Iterable[Campaign], unit_ids: Iterable[int] | None = None
) -> dict[int, int]:
    campaigns = list(campaigns)
    if counts_materialised():
        where, params = _where(campaigns, unit_ids)
        return dict(
            _fetch(
                f"SELECT campaign_id, sum(responses) FROM {ResponseCount._meta.db_table} "
                f"WHERE {where} GROUP BY campaign_id",
                params,
            )
        )
    qs = Response.objects.values("campaign_id").annotate(n=Count("id"))
    qs = qs.filter(_unit_q(unit_ids), campaign__in=campaigns).order_by()
    return {r["campaign_id"]: r["n"] for r in qs}
