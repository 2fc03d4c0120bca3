"""Checks and rebuilds of the materialised counts (operators' safety net; triggers keep them)."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count

from reports.selectors import answer_cube, response_counts
from surveys.models import Campaign, Response

from . import cube, triggers


def cube_cells(rows) -> list[tuple]:
    return sorted(
        (r.unit_id, r.group_id, r.channel, r.question_id, r.n1, r.n2, r.n3, r.n4, r.n5, r.n_null)
        for r in rows
        if (r.n1, r.n2, r.n3, r.n4, r.n5, r.n_null) != (0,) * 6
    )


def _per_unit(rows) -> list[tuple]:
    """Cube rows summed over groups and channels (what UnitAnswerCount holds)."""
    sums: dict[tuple, list[int]] = {}
    for r in rows:
        cell = sums.setdefault((r.unit_id, r.question_id), [0] * 6)
        for i, n in enumerate((r.n1, r.n2, r.n3, r.n4, r.n5, r.n_null)):
            cell[i] += n
    return sorted((*key, *levels) for key, levels in sums.items() if any(levels))


def _responses(rows) -> list[tuple]:
    return sorted((r.unit_id, r.group_id, r.channel, r.responses) for r in rows)


def counts_differences(*, campaign: Campaign) -> list[str]:
    """What differs between the counts and a recomputation from the raw rows ([] if exact)."""
    problems = []
    raw_cube = answer_cube(campaign=campaign)
    if cube_cells(cube.cube(campaign=campaign)) != cube_cells(raw_cube):
        problems.append("answer counts")
    if _per_unit(cube.cube(campaign=campaign, keep=("unit",))) != _per_unit(raw_cube):
        problems.append("answer counts per unit")
    if _responses(cube.response_rows(campaign=campaign)) != _responses(
        response_counts(campaign=campaign)
    ):
        problems.append("response counts")
    raw_days = (
        Response.objects.filter(campaign=campaign)
        .values_list("answered_on")
        .annotate(n=Count("id"))
        .order_by("answered_on")
    )
    if cube.responses_per_day(campaign=campaign) != list(raw_days):
        problems.append("responses per day")
    raw_unit_days = (
        Response.objects.filter(campaign=campaign)
        .values_list("unit_id", "answered_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    if cube.responses_per_unit_day(campaign=campaign) != {(u, d): n for u, d, n in raw_unit_days}:
        problems.append("responses per unit and day")
    return problems


def counts_rebuild() -> None:
    """Recompute every count from the raw rows, in one transaction (PostgreSQL only)."""
    if not cube.counts_materialised():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE surveys_response, surveys_answer IN SHARE MODE")
        for statement in triggers.rebuild_sql():
            cursor.execute(statement)
