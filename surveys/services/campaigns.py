"""Writes on survey rounds: copying a round, and the rule that an answered round keeps its
questionnaire (also enforced by the database, migration surveys/0005)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from surveys.models import Campaign, CampaignStatus, Quota, Response

# The database's refusals (migration surveys/0005) and what they mean to the survey team.
FROZEN_REFUSALS = {
    "kbnn:campaign_questionnaire_fixed": lambda: _(
        "This round already has responses: its questionnaire can no longer be changed. "
        "Copy the round to survey with another questionnaire."
    ),
    "kbnn:question_answered": lambda: _(
        "This question has been answered: it can no longer be changed or deleted. "
        "Copy the questionnaire as a new version to change its wording."
    ),
    "kbnn:aspect_answered": lambda: _(
        "This aspect's questions have been answered: it can no longer be changed or deleted. "
        "Copy the questionnaire as a new version to change it."
    ),
    "kbnn:questionnaire_answered": lambda: _(
        "This questionnaire has been answered: it can no longer be changed. "
        "Copy it as a new version to change it."
    ),
}


def frozen_refusal(exc: IntegrityError) -> str | None:
    """The survey team's message for a refusal by the freeze triggers, None for other errors."""
    text = str(exc)
    return next((message() for key, message in FROZEN_REFUSALS.items() if key in text), None)


def campaign_questionnaire_error(*, campaign: Campaign, questionnaire_id: int | None) -> str | None:
    """Why `campaign` may not switch to `questionnaire_id` (None if it may)."""
    if campaign.pk is None or questionnaire_id == campaign.questionnaire_id:
        return None
    if Response.objects.filter(campaign_id=campaign.pk).exists():
        return FROZEN_REFUSALS["kbnn:campaign_questionnaire_fixed"]()
    return None


@transaction.atomic
def campaign_copy(*, campaign: Campaign) -> Campaign:
    """The next round of the same year: same units, questionnaire, channels and quotas, as a
    draft whose dates the survey team then sets. The way to change an answered round's
    questionnaire."""
    rounds = Campaign.objects.filter(year=campaign.year, root=campaign.root)
    next_round = (rounds.aggregate(r=Max("round"))["r"] or 0) + 1
    slug = _free_slug(f"{campaign.slug[:50]}-dot-{next_round}")
    copy = Campaign.objects.create(
        name=_("%(name)s (copy, round %(round)d)") % {"name": campaign.name, "round": next_round},
        slug=slug,
        root=campaign.root,
        year=campaign.year,
        round=next_round,
        opens_on=campaign.opens_on,
        closes_on=campaign.closes_on,
        status=CampaignStatus.DRAFT,
        questionnaire=campaign.questionnaire,
        channels=list(campaign.channels or []),
        double_entry=campaign.double_entry,
    )
    copy.units.set(campaign.units.all())
    Quota.objects.bulk_create(
        Quota(
            campaign=copy,
            unit_id=q.unit_id,
            form=q.form,
            minimum=q.minimum,
            transaction_volume=q.transaction_volume,
        )
        for q in campaign.quotas.all()
    )
    return copy


def _free_slug(base: str) -> str:
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
