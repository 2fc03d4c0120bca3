"""KBNN Đà Nẵng demo data for `seed_demo`. Every step is idempotent."""

from __future__ import annotations

import datetime
import random
import uuid

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from followups.services import followup_open
from surveys import roles
from surveys.defaults import default_questionnaire_ensure, respondent_groups_ensure
from surveys.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Form,
    Invitation,
    InvitationSource,
    Quota,
    Response,
    StaffProfile,
    Unit,
    UnitKind,
)
from surveys.services import response_submit

DEMO_SLUG = "demo"
# The demo's random answers keep their channels (and figures); kiosks are enrolled devices.
DEMO_CHANNELS = [Channel.WEB, Channel.QR, Channel.PORTAL, Channel.EMAIL, Channel.PAPER]
ROOT = ("DNG", "Kho bạc Nhà nước Đà Nẵng")
DEPARTMENTS = [
    ("KTNN", "Phòng Kế toán Nhà nước"),
    ("KSC", "Phòng Kiểm soát chi"),
    ("TVQT", "Phòng Tài vụ - Quản trị"),
    ("TTKT", "Phòng Thanh tra - Kiểm tra"),
    ("VP", "Văn phòng"),
]
DISTRICTS = [
    ("HCH", "KBNN Hải Châu"),
    ("TKH", "KBNN Thanh Khê"),
    ("STR", "KBNN Sơn Trà"),
    ("NHS", "KBNN Ngũ Hành Sơn"),
    ("LCH", "KBNN Liên Chiểu"),
    ("CLE", "KBNN Cẩm Lệ"),
    ("HVA", "KBNN Hòa Vang"),
]
# Demo logins; the README states them. Never created in production (DEMO_ALLOWED).
DEMO_PASSWORD = "demo-kbnn-2026"
DEMO_USERS = [
    # username, role group (None: superuser), unit code
    ("admin", None, None),
    ("tokhaosat", roles.SURVEY_TEAM, None),
    ("lanhdao", roles.LEADERSHIP, None),
    ("quanly.ksc", roles.UNIT_MANAGER, "KSC"),
]
COMMENTS = [
    "Cán bộ hướng dẫn tận tình, chu đáo.",
    "Thời gian chờ đợi tại quầy còn lâu vào cuối tháng.",
    "Đề nghị bổ sung chỗ để xe cho khách hàng.",
    "Cổng dịch vụ công đôi khi chậm, khó đăng nhập.",
    "Rất hài lòng với thái độ phục vụ.",
    "Nên niêm yết rõ hơn thời hạn trả kết quả.",
]


def units_ensure() -> list[Unit]:
    root, _ = Unit.objects.get_or_create(
        code=ROOT[0], defaults={"name": ROOT[1], "kind": UnitKind.BRANCH}
    )
    units = []
    for order, (code, name) in enumerate(DEPARTMENTS, start=1):
        unit, _ = Unit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": UnitKind.DEPARTMENT,
                "parent": root,
                "sort_order": order,
            },
        )
        units.append(unit)
    for order, (code, name) in enumerate(DISTRICTS, start=10):
        unit, _ = Unit.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": UnitKind.DISTRICT, "parent": root, "sort_order": order},
        )
        units.append(unit)
    return units


def demo_campaign_ensure(units: list[Unit], today: datetime.date) -> Campaign:
    campaign = Campaign.objects.filter(slug=DEMO_SLUG).first()
    if campaign is None:
        taken = set(Campaign.objects.filter(year=today.year).values_list("round", flat=True))
        campaign = Campaign.objects.create(
            name=f"Khảo sát sự hài lòng năm {today.year} (demo)",
            slug=DEMO_SLUG,
            root=units[0].parent,
            year=today.year,
            round=min(set(range(1, len(taken) + 2)) - taken),
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today + datetime.timedelta(days=60),
            status=CampaignStatus.OPEN,
            questionnaire=default_questionnaire_ensure(),
        )
        campaign.units.set(units)
    for unit in units:
        for form, minimum in ((Form.ONLINE, 30), (Form.DIRECT, 20)):
            Quota.objects.get_or_create(
                campaign=campaign, unit=unit, form=form, defaults={"minimum": minimum}
            )
    return campaign


def demo_users_ensure() -> dict[str, User]:
    users = {}
    for username, role, unit_code in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                email=f"{username}@example.invalid",
                is_staff=role != roles.UNIT_MANAGER,
                is_superuser=role is None,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            if unit_code:
                StaffProfile.objects.create(user=user, unit=Unit.objects.get(code=unit_code))
        users[username] = user
    return users


def _random_scores(rng: random.Random, questions) -> dict[str, int | None]:
    mood = rng.random()
    answers = {}
    for question in questions:
        if question.allow_no_opinion and rng.random() < 0.03:
            answers[question.code] = None
        elif mood < 0.85:
            answers[question.code] = rng.choices([5, 4, 3], [60, 38, 2])[0]
        else:
            answers[question.code] = rng.choices([5, 4, 3, 2, 1], [20, 40, 25, 10, 5])[0]
    return answers


def demo_responses_create(campaign: Campaign, count: int, keyed_by: User, seed: int = 2026) -> int:
    """`count` random responses over the last 30 days, across units, channels and groups."""
    rng = random.Random(seed)
    units = list(campaign.units.all())
    groups = {g.code: g for g in respondent_groups_ensure()}
    questions = list(campaign.questionnaire.questions.all())
    now = timezone.now()
    created = 0
    for i in range(count):
        channel = rng.choices(DEMO_CHANNELS, [40, 25, 10, 10, 15])[0]
        unit = rng.choice(units)
        group = groups["budget_user" if channel == Channel.EMAIL or rng.random() < 0.4 else "payer"]
        when = now - datetime.timedelta(minutes=rng.randint(0, 29 * 24 * 60))
        invitation = None
        if channel in (Channel.EMAIL, Channel.PORTAL):
            invitation = Invitation.objects.create(
                campaign=campaign,
                unit=unit,
                respondent_group=group,
                source=InvitationSource(channel),
                organisation=f"Đơn vị demo {i + 1}" if channel == Channel.EMAIL else "",
                email=f"donvi{i + 1}@example.invalid" if channel == Channel.EMAIL else "",
                created_at=when - datetime.timedelta(days=1),
            )
        response_submit(
            campaign=campaign,
            unit=unit,
            respondent_group=group,
            channel=channel,
            answers=_random_scores(rng, questions),
            comment=rng.choice(COMMENTS) if rng.random() < 0.15 else "",
            invitation=invitation,
            idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
            answered_on=timezone.localdate(when),
            keyed_by=keyed_by if channel == Channel.PAPER else None,
            batch=f"LO-{timezone.localdate(when):%m%d}" if channel == Channel.PAPER else "",
            now=when,
            savepoint=False,  # inside demo_seed's one transaction
        )
        created += 1
    return created


def demo_followup_create(campaign: Campaign, user: User, today: datetime.date) -> None:
    """One follow-up on Phòng Kiểm soát chi's complaints, so its demo manager has work to see."""

    unit = Unit.objects.get(code="KSC")
    complaints = list(
        Response.objects.filter(campaign=campaign, unit=unit, comment__in=COMMENTS[1:4])
        .order_by("pk")
        .values_list("pk", flat=True)[:3]
    )
    if complaints:
        followup_open(
            campaign=campaign,
            unit=unit,
            title="Thời gian chờ tại quầy và chỗ để xe",
            response_ids=complaints,
            deadline=today + datetime.timedelta(days=14),
            user=user,
            today=today,
        )


@transaction.atomic
def demo_seed(*, responses: int = 300, today: datetime.date | None = None) -> dict[str, int]:
    """Load the demo once; a second run finds everything in place and changes nothing."""
    today = today or timezone.localdate()
    units = units_ensure()
    respondent_groups_ensure()
    campaign = demo_campaign_ensure(units, today)
    users = demo_users_ensure()
    added = 0
    if not Response.objects.filter(campaign=campaign).exists():
        added = demo_responses_create(campaign, responses, keyed_by=users["tokhaosat"])
        demo_followup_create(campaign, users["tokhaosat"], today)
    return {
        "units": len(units),
        "responses_added": added,
        "responses": Response.objects.filter(campaign=campaign).count(),
    }
