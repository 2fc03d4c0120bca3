"""Test data builders: plain functions over the real models (no mocks)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable

from django.contrib.auth.models import Group, User
from django.utils import timezone

from surveys import roles
from surveys.defaults import default_questionnaire_ensure, respondent_groups_ensure
from surveys.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Invitation,
    RespondentGroup,
    StaffProfile,
    Unit,
    UnitKind,
)
from surveys.services import response_submit

_seq = itertools.count(1)


ROOT_CODE = "KBNN-TEST"


def test_root() -> Unit:
    """The root every test unit hangs from unless told otherwise (parent=None makes another
    root): the survey team and leadership of the tests are linked to it, since a user without
    a unit sees nothing (surveys.scope)."""
    root, _ = Unit.objects.get_or_create(
        code=ROOT_CODE,
        defaults={"name": "KBNN (gốc của các bài kiểm thử)", "kind": UnitKind.BRANCH},
    )
    return root


def make_unit(code: str | None = None, **kwargs) -> Unit:
    n = next(_seq)
    defaults = {"name": f"Đơn vị {n}", "kind": UnitKind.DEPARTMENT}
    if "parent" not in kwargs and "parent_id" not in kwargs:
        defaults["parent"] = test_root()
    defaults.update(kwargs)
    return Unit.objects.create(code=code or f"U{n}", **defaults)


def make_campaign(units: Iterable[Unit] = (), *, slug: str | None = None, **kwargs) -> Campaign:
    n = next(_seq)
    today = timezone.localdate()
    defaults = {
        "name": f"Đợt {n}",
        "year": 2000 + n,
        "round": 1,
        "opens_on": today - datetime.timedelta(days=10),
        "closes_on": today + datetime.timedelta(days=10),
        "status": CampaignStatus.OPEN,
        "questionnaire": default_questionnaire_ensure(),
    }
    defaults.update(kwargs)
    campaign = Campaign.objects.create(slug=slug or f"dot-{n}", **defaults)
    campaign.units.set(list(units))
    return campaign


def group(code: str = "payer") -> RespondentGroup:
    respondent_groups_ensure()
    return RespondentGroup.objects.get(code=code)


def all_answers(campaign: Campaign, score: int | None = 5, **overrides) -> dict[str, int | None]:
    codes = campaign.questionnaire.questions.values_list("code", flat=True)
    answers = {code: score for code in codes}
    answers.update(overrides)
    return answers


def make_response(
    campaign: Campaign,
    unit: Unit,
    *,
    channel: str = Channel.WEB,
    score: int = 5,
    group_code: str = "payer",
    **kwargs,
):
    return response_submit(
        campaign=campaign,
        unit=unit,
        respondent_group=group(group_code),
        channel=channel,
        answers=kwargs.pop("answers", None) or all_answers(campaign, score),
        **kwargs,
    ).response


def make_invitation(campaign: Campaign, unit: Unit, **kwargs) -> Invitation:
    n = next(_seq)
    defaults = {
        "respondent_group": group("budget_user"),
        "source": Channel.EMAIL,
        "email": f"dv{n}@example.invalid",
        "organisation": f"Đơn vị dự toán {n}",
    }
    defaults.update(kwargs)
    return Invitation.objects.create(campaign=campaign, unit=unit, **defaults)


def make_user(username: str, role: str | None = None, unit: Unit | None = None, **kwargs) -> User:
    user = User.objects.create_user(username=username, password="pw-test-123", **kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if unit is not None:
        StaffProfile.objects.create(user=user, unit=unit)
    return user


def survey_team(username: str = "team", unit: Unit | None = None) -> User:
    return make_user(username, roles.SURVEY_TEAM, unit=unit or test_root(), is_staff=True)


def leadership(username: str = "boss", unit: Unit | None = None) -> User:
    return make_user(username, roles.LEADERSHIP, unit=unit or test_root(), is_staff=True)


def unit_manager(unit: Unit, username: str = "manager") -> User:
    return make_user(username, roles.UNIT_MANAGER, unit=unit)
