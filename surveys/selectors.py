"""Reads for the survey pages and the survey team."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import connection
from django.db.models import Sum

from .models import Campaign, RefusalCount, RefusalReason, Response, Unit


@dataclass(frozen=True)
class ThanksShown:
    unit_name: str
    # Exists exactly when a comment was written.
    tracking_code: str | None


def thanks_shown(idempotency_key: uuid.UUID) -> ThanksShown | None:
    """What the thank-you page shows of the response stored under this form's key, if any.

    Every customer's last page: plain SQL, because compiling the equivalent ORM query costs
    more than running it.
    """
    key_field = Response._meta.get_field("idempotency_key")
    sql = (
        f"SELECT r.tracking_code, u.name FROM {Response._meta.db_table} r "
        f"JOIN {Unit._meta.db_table} u ON u.id = r.unit_id WHERE r.{key_field.column} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_field.get_db_prep_value(idempotency_key, connection)])
        row = cursor.fetchone()
    return ThanksShown(unit_name=row[1], tracking_code=row[0]) if row else None


def stored_response(idempotency_key: uuid.UUID) -> Response | None:
    """The response stored under a form's idempotency key (a replay), with its campaign and unit."""
    return (
        Response.objects.select_related("campaign", "unit")
        .filter(idempotency_key=idempotency_key)
        .first()
    )


def refusals_by_reason(*, campaign: Campaign) -> list[tuple[str, int]]:
    """Refused submissions of a campaign, per reason (label, total), most frequent first."""
    rows = (
        RefusalCount.objects.filter(campaign=campaign)
        .values("reason")
        .annotate(total=Sum("count"))
        .order_by("-total", "reason")
    )
    labels = dict(RefusalReason.choices)
    return [(str(labels.get(row["reason"], row["reason"])), row["total"]) for row in rows]
