"""Two years of rounds over a region that is reorganised between the rounds of the second.

2024: two closed rounds over the region R and its units A, P1, P2, S, N.
2025: round 1 (January–March) over the same units; on 1/4/2025 P1 and P2 merge into a new M,
S is split into S1 and S2 (S keeps its own history), N is renamed N2 (a new code); round 2
(April–December) surveys A, M, S1, S2, N2. A yearly plan for 2025 assigns participation numbers,
one of them to P1 (a former unit: it rolls up into M). Responses are bulk-created with random
answers (what response_submit would store).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from organisation.models import YearlyPlan, YearlyPlanUnit
from organisation.services.reorganisation import (
    NewUnit,
    ReorganisationSpec,
    reorganisation_apply,
)
from surveys.models import (
    Answer,
    Campaign,
    CampaignStatus,
    Channel,
    Form,
    Response,
    Unit,
    UnitKind,
)
from surveys.tests import factories

D = datetime.date
REORGANISED_ON = D(2025, 4, 1)


@dataclass
class Years:
    root: Unit
    rounds_2024: list[Campaign]
    rounds_2025: list[Campaign]
    units: dict[str, Unit]


def add_responses(campaign: Campaign, unit: Unit, n: int, rng: random.Random, groups) -> None:
    questions = list(campaign.questionnaire.questions.all())
    span = (campaign.closes_on - campaign.opens_on).days
    batch = [
        Response(
            campaign=campaign,
            unit=unit,
            respondent_group=rng.choice(groups),
            channel=rng.choice(Channel.values),
            answered_on=campaign.opens_on + datetime.timedelta(days=rng.randrange(span + 1)),
        )
        for _ in range(n)
    ]
    Response.objects.bulk_create(batch)
    Answer.objects.bulk_create(
        Answer(response=r, question=q, score=rng.choice([1, 2, 3, 4, 4, 5, 5, None]))
        for r in batch
        for q in questions
    )


def _round(root, units, year, number, opens, closes) -> Campaign:
    return factories.make_campaign(
        units, slug=f"kv-{year}-{number}", name=f"Đợt {number} năm {year}", year=year,
        round=number, opens_on=opens, closes_on=closes, status=CampaignStatus.CLOSED, root=root,
    )  # fmt: skip


def build_years(*, per_unit: int = 6, seed: int = 12) -> Years:
    rng = random.Random(seed)
    groups = [factories.group("payer"), factories.group("budget_user")]
    root = factories.make_unit("KV", name="KBNN khu vực XIII", kind=UnitKind.REGIONAL, parent=None)
    old = {
        code: factories.make_unit(code, name=name, parent=root, sort_order=i)
        for i, (code, name) in enumerate(
            [
                ("A", "Văn phòng"),
                ("P1", "KBNN Hải Châu"),
                ("P2", "KBNN Thanh Khê"),
                ("S", "KBNN Sơn Trà"),
                ("N", "KBNN Cẩm Lệ"),
            ],
            start=1,
        )  # fmt: skip
    }
    first = list(old.values())
    rounds_2024 = [
        _round(root, first, 2024, 1, D(2024, 1, 1), D(2024, 6, 30)),
        _round(root, first, 2024, 2, D(2024, 7, 1), D(2024, 12, 31)),
    ]
    round_2025_1 = _round(root, first, 2025, 1, D(2025, 1, 1), D(2025, 3, 31))
    for campaign in (*rounds_2024, round_2025_1):
        for k, unit in enumerate(first):
            add_responses(campaign, unit, per_unit + k, rng, groups)
    day = REORGANISED_ON
    reorganisation_apply(spec=ReorganisationSpec(
        kind="merge", effective_on=day, unit_ids=(old["P1"].pk, old["P2"].pk),
        new_units=(NewUnit("M", "Phòng Giao dịch số 1"),),
    ))  # fmt: skip
    reorganisation_apply(spec=ReorganisationSpec(
        kind="split", effective_on=day, unit_ids=(old["S"].pk,),
        new_units=(NewUnit("S1", "Phòng Giao dịch số 2"), NewUnit("S2", "Phòng Giao dịch số 3")),
    ))  # fmt: skip
    reorganisation_apply(spec=ReorganisationSpec(
        kind="rename", effective_on=day, unit_ids=(old["N"].pk,),
        new_units=(NewUnit("N2", "Phòng Giao dịch số 4"),),
    ))  # fmt: skip
    units = {u.code: u for u in Unit.objects.all()}
    second = [units[c] for c in ("A", "M", "S1", "S2", "N2")]
    round_2025_2 = _round(root, second, 2025, 2, D(2025, 4, 1), D(2025, 12, 31))
    for k, unit in enumerate(second):
        add_responses(round_2025_2, unit, per_unit + 2 * k, rng, groups)
    plan = YearlyPlan.objects.create(root=root, year=2025, form=Form.ONLINE, participation=200)
    YearlyPlanUnit.objects.create(plan=plan, unit=units["M"], minimum=20)
    YearlyPlanUnit.objects.create(plan=plan, unit=units["P1"], minimum=5)
    YearlyPlanUnit.objects.create(plan=plan, unit=units["A"], minimum=12, transaction_volume=90)
    return Years(root, rounds_2024, [round_2025_1, round_2025_2], units)
