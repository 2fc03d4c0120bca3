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
    Answer,
    Campaign,
    CampaignStatus,
    Channel,
    CommentTriage,
    Form,
    Invitation,
    InvitationSource,
    Quota,
    Response,
    StaffProfile,
    Unit,
    UnitKind,
)
from surveys.services.response_submit import new_tracking_code

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
# Since 15/3/2025 (the reorganisation of the Treasury) Đà Nẵng's branch and its district
# treasuries are KBNN khu vực XIII and its transaction offices; the departments stay.
REORGANISED_ON = datetime.date(2025, 3, 15)
REGION = ("KV13", "Kho bạc Nhà nước khu vực XIII")
OFFICES = [
    # new office code, name, the district treasuries merged into it
    ("PGD-HCTK", "Phòng Giao dịch Hải Châu - Thanh Khê", ["HCH", "TKH"]),
    ("PGD-STNHS", "Phòng Giao dịch Sơn Trà - Ngũ Hành Sơn", ["STR", "NHS"]),
    ("PGD-LCCLHV", "Phòng Giao dịch Liên Chiểu - Cẩm Lệ - Hòa Vang", ["LCH", "CLE", "HVA"]),
]
# A second region in the same installation: its own units, round and survey team.
REGION_2 = ("KV14", "Kho bạc Nhà nước khu vực XIV")
REGION_2_UNITS = [
    ("KV14-KSC", "Phòng Kiểm soát chi (khu vực XIV)", UnitKind.DEPARTMENT),
    ("KV14-PGD1", "Phòng Giao dịch số 1 (khu vực XIV)", UnitKind.OFFICE),
    ("KV14-PGD2", "Phòng Giao dịch số 2 (khu vực XIV)", UnitKind.OFFICE),
]
HISTORY_SLUGS = ["demo-2024-1", "demo-2024-2", "demo-2025"]
REGION_2_SLUG = "demo-kv2"
# Demo logins; the README states them. Never created in production (DEMO_ALLOWED).
DEMO_PASSWORD = "demo-kbnn-2026"
DEMO_USERS = [
    # username, role group (None: superuser), unit code (what the user sees: its subtree)
    ("admin", None, None),
    ("tokhaosat", roles.SURVEY_TEAM, REGION[0]),
    ("lanhdao", roles.LEADERSHIP, REGION[0]),
    ("quanly.kv", roles.UNIT_MANAGER, REGION[0]),
    ("quanly.ksc", roles.UNIT_MANAGER, "KSC"),
    ("tokhaosat.kv2", roles.SURVEY_TEAM, REGION_2[0]),
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


def _unit_ensure(code: str, name: str, kind: str, **defaults) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, **defaults}
    )
    return unit


def regions_ensure() -> tuple[Unit, Unit, list[Unit]]:
    """KBNN khu vực XIII (serving from the reorganisation on), and the second region with its
    own units: (region, region 2, region 2's units)."""
    region = _unit_ensure(*REGION, UnitKind.REGIONAL, valid_from=REORGANISED_ON)
    region_2 = _unit_ensure(*REGION_2, UnitKind.REGIONAL, valid_from=REORGANISED_ON)
    units_2 = [
        _unit_ensure(code, name, kind, parent=region_2, valid_from=REORGANISED_ON, sort_order=n)
        for n, (code, name, kind) in enumerate(REGION_2_UNITS, start=1)
    ]
    return region, region_2, units_2


def quotas_ensure(campaign: Campaign) -> None:
    have = set(Quota.objects.filter(campaign=campaign).values_list("unit_id", "form"))
    Quota.objects.bulk_create(
        Quota(campaign=campaign, unit_id=unit_id, form=form, minimum=minimum)
        for unit_id in campaign.units.values_list("pk", flat=True)
        for form, minimum in ((Form.ONLINE, 30), (Form.DIRECT, 20))
        if (unit_id, form) not in have
    )


def campaign_ensure(*, slug: str, units: list[Unit], **fields) -> Campaign:
    """The round `slug` as given, created once (with its units and quotas); never changed."""
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            slug=slug, questionnaire=default_questionnaire_ensure(), **fields
        )
        campaign.units.set(units)
    quotas_ensure(campaign)
    return campaign


def _free_round(root: Unit, year: int) -> int:
    taken = set(Campaign.objects.filter(root=root, year=year).values_list("round", flat=True))
    return min(set(range(1, len(taken) + 2)) - taken)


def open_round_ensure(
    slug: str, name: str, units: list[Unit], today: datetime.date, *, root: Unit
) -> Campaign:
    """An open round of this year (its dates around today, whatever the day): `demo`, and the
    second region's `demo-kv2`."""
    existing = Campaign.objects.filter(slug=slug).first()
    if existing is not None:
        quotas_ensure(existing)
        return existing
    return campaign_ensure(
        slug=slug,
        units=units,
        name=name,
        root=root,
        year=today.year,
        round=_free_round(root, today.year),
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
        status=CampaignStatus.OPEN,
    )


def history_ensure(units: list[Unit], branch: Unit) -> list[Campaign]:
    """2024's two closed rounds under the provincial tree, and 2025's round (open until the
    responses are in: the reorganisation of 15/3/2025 adds the new offices to it)."""
    rounds = [
        ("demo-2024-1", "Khảo sát sự hài lòng năm 2024 - Đợt I", 2024, 1,
         datetime.date(2024, 3, 1), datetime.date(2024, 6, 30), CampaignStatus.CLOSED),
        ("demo-2024-2", "Khảo sát sự hài lòng năm 2024 - Đợt II", 2024, 2,
         datetime.date(2024, 9, 1), datetime.date(2024, 11, 30), CampaignStatus.CLOSED),
        ("demo-2025", "Khảo sát sự hài lòng năm 2025", 2025, 1,
         datetime.date(2025, 2, 1), datetime.date(2025, 11, 30), CampaignStatus.OPEN),
    ]  # fmt: skip
    return [
        campaign_ensure(
            slug=slug,
            units=units,
            name=name,
            root=branch,
            year=year,
            round=number,
            opens_on=opens,
            closes_on=closes,
            status=status,
        )  # fmt: skip
        for slug, name, year, number, opens, closes, status in rounds
    ]


def reorganisation_ensure(region: Unit, user: User | None) -> int:
    """The reorganisation of 15/3/2025, through the survey team's own operation (so it is
    recorded): each group of district treasuries merges into a new transaction office of the
    region, then the branch merges into the region (its departments move under it)."""
    from organisation.models import ReorganisationKind
    from organisation.services.reorganisation import (
        NewUnit,
        ReorganisationSpec,
        reorganisation_apply,
    )

    if Unit.objects.filter(code=ROOT[0], valid_to__isnull=False).exists():
        return 0
    ids = dict(Unit.objects.values_list("code", "pk"))
    specs = [
        ReorganisationSpec(
            kind=ReorganisationKind.MERGE,
            effective_on=REORGANISED_ON,
            unit_ids=tuple(ids[code] for code in merged),
            new_units=(NewUnit(code=code, name=name, kind=UnitKind.OFFICE, parent_id=region.pk),),
        )
        for code, name, merged in OFFICES
    ]
    specs.append(
        ReorganisationSpec(
            kind=ReorganisationKind.MERGE,
            effective_on=REORGANISED_ON,
            unit_ids=(ids[ROOT[0]],),
            into_id=region.pk,
        )
    )
    for spec in specs:
        reorganisation_apply(spec=spec, user=user)
    Unit.objects.filter(code__in=[code for code, *_ in OFFICES]).update(sort_order=10)
    return len(specs)


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
        if unit_code:  # also links a login of an older demo, made before units were scoped
            profile, _ = StaffProfile.objects.get_or_create(user=user)
            if profile.unit_id is None:
                profile.unit = Unit.objects.get(code=unit_code)
                profile.save(update_fields=["unit"])
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


def _moment_between(rng: random.Random, start: datetime.datetime, end: datetime.datetime):
    return start + datetime.timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def demo_responses_create(
    campaign: Campaign, count: int, keyed_by: User, seed: int = 2026, *, now=None
) -> int:
    """`count` random responses across units, channels and groups: over the round's period
    for a closed round, over the last 30 days for an open one; each to a unit serving on its
    day. Written with bulk_create (the survey path's checks hold by construction: the units,
    channels and scores drawn are the round's own)."""
    rng = random.Random(seed)
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(campaign.opens_on, datetime.time(7, 30), zone)
    end = datetime.datetime.combine(campaign.closes_on, datetime.time(17, 0), zone)
    if end > now:  # a round still running: its last 30 days
        start, end = max(start, now - datetime.timedelta(days=29)), now
    units = list(campaign.units.all())
    groups = {g.code: g for g in respondent_groups_ensure()}
    questions = list(campaign.questionnaire.questions.all())
    responses, scores, invitations = [], [], []
    for i in range(count):
        when = _moment_between(rng, start, end)
        day = timezone.localdate(when)
        unit = rng.choice([u for u in units if u.is_valid_on(day)] or units)
        channel = rng.choices(DEMO_CHANNELS, [40, 25, 10, 10, 15])[0]
        group = groups["budget_user" if channel == Channel.EMAIL or rng.random() < 0.4 else "payer"]
        comment = rng.choice(COMMENTS) if rng.random() < 0.15 else ""
        paper = channel == Channel.PAPER
        responses.append(
            Response(
                campaign=campaign,
                unit=unit,
                respondent_group=group,
                channel=channel,
                submitted_at=when,
                answered_on=day,
                comment=comment,
                comment_triage=CommentTriage.NEW if comment else "",
                tracking_code=new_tracking_code() if comment else None,
                idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
                keyed_by=keyed_by if paper else None,
                batch=f"LO-{day:%m%d}" if paper else "",
            )
        )
        scores.append(_random_scores(rng, questions))
        if channel in (Channel.EMAIL, Channel.PORTAL):
            email = channel == Channel.EMAIL
            invitations.append(
                Invitation(
                    campaign=campaign,
                    unit=unit,
                    respondent_group=group,
                    source=InvitationSource(channel),
                    organisation=f"Đơn vị demo {campaign.slug} {i + 1}" if email else "",
                    email=f"donvi{i + 1}.{campaign.slug}@example.invalid" if email else "",
                    created_at=when - datetime.timedelta(days=1),
                    answered_on=day,
                )
            )
    Response.objects.bulk_create(responses, batch_size=500)
    by_code = {q.code: q.pk for q in questions}
    Answer.objects.bulk_create(
        (
            Answer(response_id=response.pk, question_id=by_code[code], score=score)
            for response, answers in zip(responses, scores, strict=True)
            for code, score in answers.items()
        ),
        batch_size=2000,
    )
    Invitation.objects.bulk_create(invitations, batch_size=500)
    return len(responses)


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
    """Load the demo once; a second run finds everything in place and changes nothing.

    DESIGN's contract: 2024 (two closed rounds under the provincial tree), the reorganisation
    of 15/3/2025, 2025 (closed, across that date), the open round `demo` of this year under
    the region, and a second region with its own open round; `responses` random responses in
    each round that has none."""
    today = today or timezone.localdate()
    provincial = units_ensure()
    branch = Unit.objects.get(code=ROOT[0])
    respondent_groups_ensure()
    region, region_2, units_2 = regions_ensure()
    users = demo_users_ensure()
    history = history_ensure(provincial, branch)
    reorganisation_ensure(region, users["admin"])
    for campaign in history:
        quotas_ensure(campaign)  # the offices the reorganisation added to 2025's round
    serving = list(
        Unit.objects.filter(parent=region).valid_on(today).order_by("sort_order", "code")
    )
    campaign = open_round_ensure(
        DEMO_SLUG, f"Khảo sát sự hài lòng năm {today.year} (demo)", serving, today, root=region
    )
    region_2_round = open_round_ensure(
        REGION_2_SLUG,
        f"Khảo sát sự hài lòng năm {today.year} - khu vực XIV (demo)",
        units_2,
        today,
        root=region_2,
    )
    added = 0
    keyed = [*((c, users["tokhaosat"]) for c in history), (campaign, users["tokhaosat"])]
    keyed.append((region_2_round, users["tokhaosat.kv2"]))
    for seed, (each, keyer) in enumerate(keyed, start=2024):
        if not Response.objects.filter(campaign=each).exists():
            added += demo_responses_create(each, responses, keyed_by=keyer, seed=seed)
            if each.slug == DEMO_SLUG:
                demo_followup_create(each, users["tokhaosat"], today)
    Campaign.objects.filter(slug__in=HISTORY_SLUGS).exclude(status=CampaignStatus.CLOSED).update(
        status=CampaignStatus.CLOSED
    )
    return {
        "units": Unit.objects.count(),
        "responses_added": added,
        "responses": Response.objects.filter(campaign=campaign).count(),
        "rounds": len(keyed),
    }
