"""A generated campaign for report tests: every awkward case the issue names, fast to build.

Rows are bulk-created (not through response_submit) so a test builds hundreds of responses in
a few queries; the data is what response_submit would store.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from followups.models import FollowUp, FollowUpStatus
from surveys.models import (
    Answer,
    Campaign,
    CampaignStatus,
    Channel,
    CommentTriage,
    Form,
    Quota,
    RespondentGroup,
    Response,
    Unit,
    UnitKind,
)
from surveys.tests import factories

OPENS = datetime.date(2026, 1, 1)
CLOSES = datetime.date(2026, 12, 31)
SUCCESSION_DAY = datetime.date(2026, 7, 1)


@dataclass
class Dataset:
    campaign: Campaign
    units: list[Unit]  # listed in the report, in order
    empty_unit: Unit  # surveyed, valid, no responses
    old_unit: Unit  # succeeded on SUCCESSION_DAY by new_unit
    new_unit: Unit
    outside_unit: Unit  # valid only before the campaign: never listed
    groups: list[RespondentGroup]


def build_dataset(*, per_cell: int = 3, seed: int = 7) -> Dataset:
    """Units × both groups × every channel, `per_cell` responses each, with no-opinion answers."""
    rng = random.Random(seed)
    a = factories.make_unit("A", name="Phòng Kế toán Nhà nước", sort_order=1)
    old = factories.make_unit(
        "OLD", name="KBNN Hải Châu", sort_order=2, valid_to=SUCCESSION_DAY - datetime.timedelta(1)
    )
    new = factories.make_unit(
        "NEW", name="KBNN khu vực XII", kind=UnitKind.REGIONAL, sort_order=3,
        valid_from=SUCCESSION_DAY,
    )  # fmt: skip
    Unit.objects.filter(pk=old.pk).update(successor=new)
    empty = factories.make_unit("EMPTY", name="Văn phòng", sort_order=4)
    outside = factories.make_unit("GONE", name="Đơn vị cũ", valid_to=datetime.date(2025, 6, 30))
    campaign = factories.make_campaign(
        [a, old, new, empty, outside],
        slug="bao-cao",
        name="Đợt I năm 2026",
        year=2026,
        opens_on=OPENS,
        closes_on=CLOSES,
        status=CampaignStatus.OPEN,
    )
    groups = [factories.group("payer"), factories.group("budget_user")]
    questions = list(campaign.questionnaire.questions.order_by("sort_order"))
    followup_unit_responses: list[Response] = []
    answers: list[Answer] = []
    for unit, day in ((a, OPENS), (old, datetime.date(2026, 3, 2)), (new, SUCCESSION_DAY)):
        for group in groups:
            for channel in Channel.values:
                batch = [
                    Response(
                        campaign=campaign,
                        unit=unit,
                        respondent_group=group,
                        channel=channel,
                        answered_on=day + datetime.timedelta(days=rng.randrange(60)),
                        comment=rng.choice(["", "", "=1+1 Thái độ tốt", "Chờ lâu\nquá"]),
                    )
                    for _ in range(per_cell)
                ]
                for r in batch:
                    r.comment_triage = CommentTriage.NEW if r.comment else ""
                Response.objects.bulk_create(batch)
                for r in batch:
                    for q in questions:
                        score = rng.choice([1, 2, 3, 4, 4, 5, 5, 5, None])
                        answers.append(Answer(response=r, question=q, score=score))
                    if r.comment and len(followup_unit_responses) < 3:
                        followup_unit_responses.append(r)
    Answer.objects.bulk_create(answers)
    followup = FollowUp.objects.create(
        campaign=campaign, unit=a, title="Chờ lâu", status=FollowUpStatus.IN_PROGRESS
    )
    followup.responses.set(followup_unit_responses)
    Quota.objects.create(campaign=campaign, unit=a, form=Form.ONLINE, minimum=10)
    Quota.objects.create(campaign=campaign, unit=a, form=Form.DIRECT, minimum=100)
    Quota.objects.create(campaign=campaign, unit=empty, form=Form.DIRECT, minimum=5)
    return Dataset(campaign, [a, old, new, empty], empty, old, new, outside, groups)
