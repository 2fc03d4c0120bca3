"""Reads for the comment, follow-up and public status pages."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from surveys.models import (
    Answer,
    Campaign,
    CampaignStatus,
    CommentTriage,
    Response,
    ResponseContact,
)
from surveys.scope import Scope
from surveys.services.response_submit import TRACKING_ALPHABET, TRACKING_CODE_LENGTH

from .access import comments_visible, followups_visible
from .models import OPEN_FOLLOWUP_STATUSES, EventKind, FollowUp, FollowUpStatus

CODE_RE = re.compile(rf"^[{TRACKING_ALPHABET}]{{{TRACKING_CODE_LENGTH}}}$")


def default_campaign_id(*, scope: Scope | None = None) -> int | None:
    """The open round closing last, else the latest round: what the comment list shows first
    (of the rounds of `scope`, when given)."""
    rounds = Campaign.objects.exclude(status=CampaignStatus.DRAFT)
    if scope is not None:
        rounds = scope.campaigns(rounds)
    campaign = rounds.filter(status=CampaignStatus.OPEN).order_by("-closes_on").first()
    campaign = campaign or rounds.order_by("-year", "-round").first()
    return campaign.pk if campaign else None


def comments_filtered(user, filters: dict) -> QuerySet[Response]:
    qs = comments_visible(user)
    for key, lookup in (
        ("campaign", "campaign"),
        ("unit", "unit"),
        ("channel", "channel"),
        ("triage", "comment_triage"),
        ("date_from", "answered_on__gte"),
        ("date_to", "answered_on__lte"),
    ):
        if filters.get(key):
            qs = qs.filter(**{lookup: filters[key]})
    if filters.get("score"):
        overall = Answer.objects.filter(
            response=OuterRef("pk"), question__is_overall=True, score=filters["score"]
        )
        qs = qs.filter(Exists(overall))
    # Only the follow-ups this user may open: a comment of unit A joined to unit B's follow-up
    # must not show B's follow-up to A's manager.
    followups = followups_visible(user).only("pk", "title", "status", "deadline", "unit_id")
    return (
        qs.select_related("campaign", "unit", "respondent_group")
        .prefetch_related(Prefetch("followups", queryset=followups))
        # By the date on the form (a paper form keyed today may have been answered weeks ago),
        # then by entry within one day.
        .order_by("-answered_on", "-submitted_at", "-pk")
    )


def followups_filtered(user, filters: dict) -> QuerySet[FollowUp]:
    qs = followups_visible(user)
    for key in ("campaign", "unit", "status"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("overdue"):
        qs = qs.overdue()
    return qs.select_related("campaign", "unit").order_by("status", "deadline", "-created_at")


def overdue_count(user) -> int:
    return followups_visible(user).overdue(timezone.localdate()).count()


def followup_choices_for_join(user) -> QuerySet[FollowUp]:
    return followups_visible(user).filter(status__in=OPEN_FOLLOWUP_STATUSES).order_by("-pk")


@dataclass(frozen=True)
class PublicStatus:
    """What the customer may read: their code, the day their comment was received, the state,
    the public steps of its handling (what and when, never who or the staff's notes) and the
    resolution."""

    code: str
    received_on: datetime.date
    state: str
    resolution: str
    resolved_on: object | None
    history: tuple[tuple[str, datetime.date], ...] = ()
    has_contact: bool = False  # contact details left with consent, which can be withdrawn


# The steps a customer sees; the others (joined, evidence, proposals) are internal work.
PUBLIC_EVENTS = (EventKind.OPENED, EventKind.ACTION, EventKind.RESOLVED, EventKind.ESCALATED)


def public_status_for_code(code: str) -> PublicStatus | None:
    """None for a malformed or unknown code alike, so the page cannot tell them apart."""
    if not CODE_RE.match(code or ""):
        return None
    response = (
        Response.objects.filter(tracking_code=code)
        .only("pk", "comment_triage", "answered_on")
        .first()
    )
    if response is None:
        return None
    followup = (
        FollowUp.objects.filter(responses=response)
        .only("status", "resolution", "resolved_at")
        .order_by("-created_at")
        .first()
    )
    has_contact = ResponseContact.objects.filter(response=response).exists()
    if followup is None:
        state = response.comment_triage or CommentTriage.NEW
        return PublicStatus(code, response.answered_on, state, "", None, has_contact=has_contact)
    events = followup.events.filter(kind__in=PUBLIC_EVENTS).values_list("kind", "at")
    history = tuple((str(EventKind(kind).label), timezone.localdate(at)) for kind, at in events)
    resolved = followup.status == FollowUpStatus.RESOLVED
    return PublicStatus(
        code=code,
        received_on=response.answered_on,
        state=followup.status,
        resolution=followup.resolution if resolved else "",
        resolved_on=followup.resolved_at if resolved else None,
        history=history,
        has_contact=has_contact,
    )
