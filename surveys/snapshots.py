"""What a campaign's survey is made of, read once per process while the database says it holds.

Every customer's page and submit needs the campaign, its units, its questions and the respondent
groups. Reading them costs four ORM queries per request; they change a few times a year. So a
process keeps a snapshot per campaign, together with the ConfigStamp token it was read under,
and on each request reads only that token (one primary-key lookup). Triggers change the token in
the same transaction as any change to those tables, so a snapshot is never used once the change
is committed. What depends on the day (a campaign's dates, a unit's validity) is still checked on
every request against the snapshot's rows.

The shared model instances are read-only by convention: nothing on the customer's path saves
them. On SQLite (no triggers) nothing is kept and every call reads afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from .models import Campaign, ConfigStamp, Question, RespondentGroup, Unit

MAX_SNAPSHOTS = 64
_snapshots: dict[tuple, tuple[str, CampaignSnapshot]] = {}


@dataclass(frozen=True)
class CampaignSnapshot:
    campaign: Campaign
    units_by_code: dict[str, Unit]
    unit_ids: frozenset[int]
    questions: list[Question]
    # Active groups only, in display order.
    groups: list[RespondentGroup]
    # The shared survey pages rendered from this snapshot (surveys.fragments).
    pages: dict = field(default_factory=dict, compare=False, repr=False)


def config_token() -> str | None:
    """The current ConfigStamp token; None where snapshots are not kept."""
    if connection.vendor != "postgresql":
        return None
    table = ConfigStamp._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")  # noqa: S608 - a model's table
        row = cursor.fetchone()
    return row[0] if row else None


def campaign_snapshot(slug: str) -> CampaignSnapshot | None:
    """The campaign with this slug and what its survey is made of; None if there is none."""
    token = config_token()
    key = (connection.alias, connection.settings_dict["NAME"], slug)
    if token is not None:
        kept = _snapshots.get(key)
        if kept is not None and kept[0] == token:
            return kept[1]
    snapshot = _read(slug)
    if token is not None and snapshot is not None:
        # Read after the token: a change committed in between only causes one more reading.
        if len(_snapshots) >= MAX_SNAPSHOTS:
            _snapshots.clear()
        _snapshots[key] = (token, snapshot)
    return snapshot


def _read(slug: str) -> CampaignSnapshot | None:
    campaign = Campaign.objects.select_related("questionnaire").filter(slug=slug).first()
    if campaign is None:
        return None
    units = {unit.code: unit for unit in campaign.units.all()}
    questions = list(
        campaign.questionnaire.questions.select_related("aspect").order_by("sort_order", "pk")
    )
    return CampaignSnapshot(
        campaign=campaign,
        units_by_code=units,
        unit_ids=frozenset(unit.pk for unit in units.values()),
        questions=questions,
        groups=list(RespondentGroup.objects.filter(is_active=True)),
    )
